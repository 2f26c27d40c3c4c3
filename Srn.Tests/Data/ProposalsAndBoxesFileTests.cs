using Srn.Data;
using Srn.Vision;

namespace Srn.Tests.Data;

[TestFixture]
public sealed class ProposalsAndBoxesFileTests
{
    private static readonly string[] Classes = ["cat", "dog"];
    private string dir = null!;

    [SetUp]
    public void MakeDir() => dir = Directory.CreateTempSubdirectory("srn-boxes-").FullName;

    [TearDown]
    public void RemoveDir() => Directory.Delete(dir, recursive: true);

    private string WriteFile(string text)
    {
        var path = Path.Combine(dir, "f.csv");
        File.WriteAllText(path, text);
        return path;
    }

    [Test]
    public void Proposals_with_scores_round_trip()
    {
        var p = new ImageBoxes(hasScores: true);
        p.Add("a.jpg", new Box(0, 0, 10.5f, 20), 0.9f);
        p.Add("b.jpg", new Box(1, 2, 3, 4), 0.25f);
        p.Add("a.jpg", new Box(5, 5, 5, 9), 1e-7f);
        var path = Path.Combine(dir, "p.csv");
        ProposalsFile.Write(path, p);
        Assert.That(File.ReadAllLines(path)[0], Is.EqualTo("image,x1,y1,x2,y2,score"));
        var back = ProposalsFile.Read(path);
        Assert.That(back.HasScores, Is.True);
        Assert.That(back.Images, Is.EqualTo(new[] { "a.jpg", "b.jpg" }));
        Assert.That(back["a.jpg"], Is.EqualTo(new[] { new Box(0, 0, 10.5f, 20), new Box(5, 5, 5, 9) }));
        Assert.That(back.ScoresOf("a.jpg"), Is.EqualTo(new[] { 0.9f, 1e-7f }));
        Assert.That(back.Count, Is.EqualTo(3));
        Assert.That(back["missing.jpg"], Is.Empty);
    }

    [Test]
    public void Proposals_without_scores_round_trip()
    {
        var path = WriteFile("image,x1,y1,x2,y2\na.jpg,1,2,3,4\na.jpg,0,0,100,50\n");
        var p = ProposalsFile.Read(path);
        Assert.That(p.HasScores, Is.False);
        Assert.That(p["a.jpg"], Is.EqualTo(new[] { new Box(1, 2, 3, 4), new Box(0, 0, 100, 50) }));
        Assert.That(() => p.ScoresOf("a.jpg"), Throws.InvalidOperationException);
        var copy = Path.Combine(dir, "copy.csv");
        ProposalsFile.Write(copy, p);
        Assert.That(File.ReadAllText(copy), Is.EqualTo("image,x1,y1,x2,y2\na.jpg,1,2,3,4\na.jpg,0,0,100,50\n"));
    }

    [TestCase("", 0, "empty file")]
    [TestCase("image,x1,y1,x2\na.jpg,1,2,3\n", 1, "the header is 'image,x1,y1,x2', expected 'image,x1,y1,x2,y2' or 'image,x1,y1,x2,y2,score'")]
    [TestCase("image,x1,y1,x2,y2\na.jpg,1,2,3,4\na.jpg,1,2,3\n", 3, "4 cells, expected 5")]
    [TestCase("image,x1,y1,x2,y2,score\na.jpg,1,2,3,4,high\n", 2, "score is 'high', not a finite number")]
    [TestCase("image,x1,y1,x2,y2\na.jpg,1,2,NaN,4\n", 2, "x2 is 'NaN', not a finite number")]
    [TestCase("image,x1,y1,x2,y2\n\na.jpg,5,2,3,4\n", 3, "box (5, 2, 3, 4) has x2 < x1 or y2 < y1")]
    [TestCase("image,x1,y1,x2,y2\n,1,2,3,4\n", 2, "empty image path")]
    public void Proposal_file_errors_name_the_file_and_line(string text, int line, string detail)
    {
        var path = WriteFile(text);
        var e = Assert.Throws<DataFormatException>(() => ProposalsFile.Read(path))!;
        Assert.That((e.FilePath, e.Line), Is.EqualTo((path, line)));
        Assert.That(e.Detail, Does.StartWith(detail));
    }

    [Test]
    public void Boxes_round_trip_with_class_names()
    {
        var b = new ImageBoxes();
        b.Add("images/train/000000.ppm", new Box(3, 4, 30, 40, 1));
        b.Add("images/train/000000.ppm", new Box(0, 0, 1, 1, 0));
        b.Add("images/train/000001.ppm", new Box(10, 10, 20, 22, 1));
        var path = Path.Combine(dir, "b.csv");
        BoxesFile.Write(path, b, Classes);
        Assert.That(File.ReadAllText(path), Is.EqualTo(
            "image,class,x1,y1,x2,y2\nimages/train/000000.ppm,dog,3,4,30,40\nimages/train/000000.ppm,cat,0,0,1,1\nimages/train/000001.ppm,dog,10,10,20,22\n"));
        var back = BoxesFile.Read(path, Classes);
        Assert.That(back.Images, Is.EqualTo(b.Images));
        Assert.That(back["images/train/000000.ppm"], Is.EqualTo(b["images/train/000000.ppm"]));
        Assert.That(back["images/train/000001.ppm"], Is.EqualTo(b["images/train/000001.ppm"]));
    }

    [TestCase("image,class,x1,y1,x2,y2\na.jpg,cow,1,2,3,4\n", 2, "unknown class 'cow' (classes: cat, dog)")]
    [TestCase("image,class,x1,y1,x2,y2\na.jpg,cat,1,2,1,4\n", 2, "box (1, 2, 1, 4) is empty")]
    [TestCase("image,class,x1,y1,x2,y2\na.jpg,cat,1,2,3\n", 2, "5 cells, expected 6")]
    [TestCase("image,label,x1,y1,x2,y2\n", 1, "the header is 'image,label,x1,y1,x2,y2'")]
    public void Boxes_file_errors_name_the_file_and_line(string text, int line, string detail)
    {
        var path = WriteFile(text);
        var e = Assert.Throws<DataFormatException>(() => BoxesFile.Read(path, Classes))!;
        Assert.That((e.FilePath, e.Line), Is.EqualTo((path, line)));
        Assert.That(e.Detail, Does.StartWith(detail));
    }

    [Test]
    public void Boxes_with_a_class_outside_the_list_are_not_written()
    {
        var b = new ImageBoxes();
        b.Add("a.jpg", new Box(0, 0, 1, 1, 2));
        Assert.That(() => BoxesFile.Write(Path.Combine(dir, "b.csv"), b, Classes), Throws.ArgumentException.With.Message.Contains("class 2, outside 0..1"));
        Assert.That(Directory.GetFiles(dir), Is.Empty);
    }

    [Test]
    public void A_box_set_refuses_scores_it_does_not_have()
    {
        Assert.That(() => new ImageBoxes().Add("a", new Box(0, 0, 1, 1), 0.5f), Throws.ArgumentException);
        Assert.That(() => new ImageBoxes(hasScores: true).Add("a", new Box(0, 0, 1, 1)), Throws.ArgumentException);
    }
}
