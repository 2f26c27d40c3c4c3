using Srn.Data;
using Srn.PartialLabels.Network;
using Srn.Torch;
using Srn.Torch.IO;

namespace Srn.Tests.PartialLabels;

/// <summary>Label embeddings from GloVe text files and safetensors matrices, and the seeded learnable default.</summary>
[TestFixture]
public sealed class LabelEmbeddingsTests
{
    private string dir = null!;

    [SetUp]
    public void MakeDir() => Directory.CreateDirectory(dir = Path.Combine(Path.GetTempPath(), $"srn-embeddings-{Guid.NewGuid():N}"));

    [TearDown]
    public void RemoveDir() => Directory.Delete(dir, recursive: true);

    private string Write(string name, params string[] lines)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    [Test]
    public void GloVe_classes_of_several_words_get_the_mean_and_words_fall_back_to_lower_case_and_hyphen_parts()
    {
        var path = Write(
            "glove.txt",
            "the 9 9 9",
            "person 1 2 3",
            "traffic 1 0 0",
            "light 0 1 0",
            "hair 2 2 2",
            "drier 0 0 2",
            "tv 5 5 5",
            "t 1 1 1",
            "shirt 3 3 3",
            "person 7 7 7");
        using var e = LabelEmbeddings.FromGloveFile(path, ["person", "traffic light", "hair_drier", "TV", "t-shirt"]);
        Assert.That(e.Shape, Is.EqualTo(new long[] { 5, 3 }));
        Assert.That(e.ToArray<float>(), Is.EqualTo(new[] { 1f, 2, 3, 0.5f, 0.5f, 0, 1, 1, 2, 5, 5, 5, 2, 2, 2 }), "the first vector of a repeated word wins");
    }

    [Test]
    public void GloVe_skips_a_word2vec_header_and_takes_exact_case_first()
    {
        var path = Write("w2v.txt", "3 2", "Apple 1 1", "apple 2 2", "pear 3 3");
        using var e = LabelEmbeddings.FromGloveFile(path, ["Apple", "apple", "Pear"]);
        Assert.That(e.ToArray<float>(), Is.EqualTo(new[] { 1f, 1, 2, 2, 3, 3 }));
    }

    [Test]
    public void GloVe_names_the_file_and_the_class_of_a_missing_word()
    {
        var path = Write("glove.txt", "traffic 1 0", "cat 0 1");
        var e = Assert.Throws<DataFormatException>(() => LabelEmbeddings.FromGloveFile(path, ["cat", "traffic light"]));
        Assert.That(e!.Message, Does.Contain(path).And.Contain("'light'").And.Contain("'traffic light'").And.Contain("class 1"));
    }

    [Test]
    public void GloVe_names_the_line_of_a_malformed_vector()
    {
        var path = Write("glove.txt", "cat 1 2 3", "dog 1 2", "bird 1 x 3");
        var e = Assert.Throws<DataFormatException>(() => LabelEmbeddings.FromGloveFile(path, ["cat", "dog"]));
        Assert.That(e!.Message, Does.StartWith($"{path}:2:"));
        e = Assert.Throws<DataFormatException>(() => LabelEmbeddings.FromGloveFile(path, ["bird"]));
        Assert.That(e!.Message, Does.StartWith($"{path}:3:").And.Contain("'x'"));
    }

    [Test]
    public void Safetensors_matrix_is_read_and_checked()
    {
        var path = Path.Combine(dir, "words.safetensors");
        using (var m = Tensor.Arange(0.0, 6.0).Reshape(3, 2))
        {
            SafeTensors.Save(path, [new("embeddings", m)]);
        }

        using var e = LabelEmbeddings.Load(path, ["a", "b", "c"]);
        Assert.That(e.DType, Is.EqualTo(ScalarType.Float32));
        Assert.That(e.ToArray<float>(), Is.EqualTo(new[] { 0f, 1, 2, 3, 4, 5 }));
        var wrong = Assert.Throws<DataFormatException>(() => LabelEmbeddings.FromSafeTensors(path, 4));
        Assert.That(wrong!.Message, Does.Contain("[4, d]").And.Contain(path));
        Assert.Throws<DataFormatException>(() => LabelEmbeddings.FromSafeTensors(path, 3, "vectors"));

        var two = Path.Combine(dir, "two.safetensors");
        using (var x = Tensor.Zeros([3, 2]))
        using (var y = Tensor.Zeros([3, 2]))
        {
            SafeTensors.Save(two, [new("x", x), new("y", y)]);
        }

        Assert.That(() => LabelEmbeddings.FromSafeTensors(two, 3), Throws.TypeOf<DataFormatException>().With.Message.Contains("name the one"));
        using var named = LabelEmbeddings.FromSafeTensors(two, 3, "y");
        Assert.That(named.Shape, Is.EqualTo(new long[] { 3, 2 }));
    }

    [Test]
    public void Random_embeddings_are_standard_normal_and_seeded()
    {
        using var a = LabelEmbeddings.Random(80, 300, 4);
        using var b = LabelEmbeddings.Random(80, 300, 4);
        using var c = LabelEmbeddings.Random(80, 300, 5);
        Assert.That(a.ToArray<float>(), Is.EqualTo(b.ToArray<float>()));
        Assert.That(a.ToArray<float>(), Is.Not.EqualTo(c.ToArray<float>()));
        var values = a.ToArray<float>().Select(v => (double)v).ToArray();
        var mean = values.Average();
        var std = Math.Sqrt(values.Select(v => (v - mean) * (v - mean)).Average());
        Assert.That(mean, Is.EqualTo(0).Within(0.02));
        Assert.That(std, Is.EqualTo(1).Within(0.02));
    }

    [Test]
    public void Npy_matrices_load_as_the_reference_ships_its_word_vectors()
    {
        // labels_300d.npy: a float32 [4, 300] matrix numpy wrote (Fixtures/Torch/make_npy_fixtures.py).
        var npyDir = Path.Combine(Path.GetDirectoryName(typeof(LabelEmbeddingsTests).Assembly.Location)!, "Fixtures", "Torch", "npy");
        var path = Path.Combine(npyDir, "labels_300d.npy");
        using var expected = Npy.Load(path);
        using var e = LabelEmbeddings.Load(path, ["a", "b", "c", "d"]);
        Assert.That(e.Shape, Is.EqualTo(new long[] { 4, 300 }));
        Assert.That(e.ToArray<float>(), Is.EqualTo(expected.ToArray<float>()));

        // float64 and Fortran order become float32 rows per class; wrong rows, integers and non-.npy files are one-line errors.
        using var doubles = LabelEmbeddings.FromNpy(Path.Combine(npyDir, "f8_fortran_2x5.npy"), 2);
        using var doublesExpected = Npy.Load(Path.Combine(npyDir, "f8_fortran_2x5.npy"));
        Assert.That(doubles.DType, Is.EqualTo(ScalarType.Float32));
        Assert.That(doubles.ToArray<float>(), Is.EqualTo(doublesExpected.ToArray<double>().Select(v => (float)v).ToArray()));
        Assert.That(() => LabelEmbeddings.FromNpy(path, 3), Throws.TypeOf<DataFormatException>().With.Message.Contains(path).And.Message.Contains("[3, d]"));
        Assert.That(() => LabelEmbeddings.FromNpy(Path.Combine(npyDir, "i4_2x2.npy"), 2), Throws.TypeOf<DataFormatException>().With.Message.Contains("Int32"));
        Assert.That(() => LabelEmbeddings.FromNpy(Path.Combine(npyDir, "bad.npz"), 2), Throws.TypeOf<DataFormatException>().With.Message.Contains("zip archive"));
    }
}
