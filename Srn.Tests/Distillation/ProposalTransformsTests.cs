using Srn.Data;
using Srn.Distillation;
using Srn.Torch;
using Srn.Vision;
using Srn.Vision.Transforms;

namespace Srn.Tests.Distillation;

[TestFixture]
public sealed class ProposalTransformsTests
{
    private static readonly Box[] Boxes = [new(0, 0, 128, 96), new(10.5f, 3, 40, 77.25f), new(64, 64, 64, 64), new(100, 20, 128, 30)];

    [Test]
    public void Flipping_mirrors_x_and_twice_gives_the_boxes_back()
    {
        var flipped = ProposalTransforms.FlipHorizontal(Boxes, 128);
        Assert.That(flipped[1], Is.EqualTo(new Box(88, 3, 117.5f, 77.25f)));
        Assert.That(flipped[3], Is.EqualTo(new Box(0, 20, 28, 30)));
        Assert.That(ProposalTransforms.FlipHorizontal(flipped, 128), Is.EqualTo(Boxes));
    }

    [Test]
    public void Scaling_and_resizing_round_trip()
    {
        Assert.That(ProposalTransforms.Scale(Boxes, 2, 0.5)[1], Is.EqualTo(new Box(21, 1.5f, 80, 38.625f)));
        var up = ProposalTransforms.Resize(Boxes, 96, 128, 300, 224);
        var back = ProposalTransforms.Resize(up, 300, 224, 96, 128);
        for (var i = 0; i < Boxes.Length; i++)
        {
            Assert.That(back[i].X1, Is.EqualTo(Boxes[i].X1).Within(1e-4));
            Assert.That(back[i].Y1, Is.EqualTo(Boxes[i].Y1).Within(1e-4));
            Assert.That(back[i].X2, Is.EqualTo(Boxes[i].X2).Within(1e-4));
            Assert.That(back[i].Y2, Is.EqualTo(Boxes[i].Y2).Within(1e-4));
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => ProposalTransforms.Scale(Boxes, 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ProposalTransforms.Resize(Boxes, 0, 1, 1, 1));
    }

    [Test]
    public void Boxes_land_where_the_image_transforms_put_them()
    {
        using var scope = DisposeScope.Enter();
        var sample = new ImageSample(SlidingWindowProposalsTests.ImageWithRectangle(), Boxes);
        Assert.That(ProposalTransforms.FlipHorizontal(Boxes, 128), Is.EqualTo(RandomHorizontalFlip.Flip(sample).Boxes));
        var resized = new Resize(60, 200).Apply(sample, new Random(0));
        Assert.That(ProposalTransforms.Resize(Boxes, 96, 128, 60, 200), Is.EqualTo(resized.Boxes));
    }

    [Test]
    public void A_flipped_box_frames_the_flipped_object()
    {
        // The Sobel magnitude is mirror-symmetric, so a box and its flip score alike on an image and its flip.
        using var scope = DisposeScope.Enter();
        var p = new SlidingWindowProposals();
        var boxes = p.Windows(128, 96);
        var original = p.Objectness(SlidingWindowProposalsTests.ImageWithRectangle(), boxes);
        var flipped = p.Objectness(SlidingWindowProposalsTests.ImageWithRectangle(flip: true), ProposalTransforms.FlipHorizontal(boxes, 128));
        for (var i = 0; i < boxes.Count; i++)
        {
            Assert.That(flipped[i], Is.EqualTo(original[i]).Within(1e-5), boxes[i].ToString());
        }
    }

    [Test]
    public void Proposals_read_from_a_file_keep_their_scores_aligned()
    {
        var dir = Directory.CreateTempSubdirectory("srn-proposals-").FullName;
        try
        {
            var file = new ImageBoxes(hasScores: true);
            for (var i = 0; i < Boxes.Length; i++)
            {
                file.Add("a.jpg", Boxes[i], i / 10f);
            }

            var path = Path.Combine(dir, "p.csv");
            ProposalsFile.Write(path, file);
            var read = ProposalsFile.Read(path);
            var moved = ProposalTransforms.FlipHorizontal(ProposalTransforms.Resize(read["a.jpg"], 96, 128, 192, 256), 256);
            Assert.That(moved, Has.Count.EqualTo(read.ScoresOf("a.jpg").Count));
            Assert.That(moved[1], Is.EqualTo(new Box(176, 6, 235, 154.5f)));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void ToRois_numbers_the_images()
    {
        using var scope = DisposeScope.Enter();
        var rois = ProposalTransforms.ToRois([[Boxes[1]], [], [Boxes[3], Boxes[0]]]);
        Assert.That(rois.Shape, Is.EqualTo(new long[] { 3, 5 }));
        Assert.That(rois.ToArray<float>(), Is.EqualTo(new float[] { 0, 10.5f, 3, 40, 77.25f, 2, 100, 20, 128, 30, 2, 0, 0, 128, 96 }));
        Assert.That(ProposalTransforms.ToRois([]).Shape, Is.EqualTo(new long[] { 0, 5 }));
        using var pooled = Functional.RoIPool(Tensor.Randn([3, 2, 6, 8]), rois, 2, 1.0 / 16);
        Assert.That(pooled.Shape, Is.EqualTo(new long[] { 3, 2, 2, 2 }));
    }
}
