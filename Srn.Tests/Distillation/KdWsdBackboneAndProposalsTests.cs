using Srn.Data;
using Srn.Distillation;
using Srn.Models;
using Srn.Tests.Training;
using Srn.Torch;
using Srn.Training;
using Srn.Training.Methods;
using Srn.Vision;
using Srn.Vision.Transforms;

namespace Srn.Tests.Distillation;

/// <summary>KD-WSD on a VGG (the paper's backbone family) and with proposals read from a file.</summary>
[TestFixture]
public sealed class KdWsdBackboneAndProposalsTests
{
    private static readonly string[] Classes = ["c0", "c1", "c2", "c3"];
    private string dir = null!;

    [SetUp]
    public void MakeDir() => dir = Directory.CreateTempSubdirectory("srn-kd-proposals-").FullName;

    [TearDown]
    public void RemoveDir() => Directory.Delete(dir, recursive: true);

    private static MethodSetup Setup(string backbone, string? proposals = null, params (string Key, string Value)[] options) => new()
    {
        Method = "kd-wsd", Backbone = backbone, ClassNames = Classes, ImageSize = 32, Epochs = 3, Seed = 3, ProposalsFile = proposals,
        Options = options.Append(("stage_epochs", "1,1,1")).Append(("proposals", "6")).ToDictionary(o => o.Item1, o => o.Item2),
    };

    private static TrainingData Data(ITransform? train = null)
    {
        var test = new Compose(new ToFloat(), new Normalize([0.5, 0.5, 0.5], [0.25, 0.25, 0.25]));
        return new TrainingData(new TinyScenes(16, seed: 1), train ?? new Compose(new RandomHorizontalFlip(), test), new TinyScenes(8, seed: 2), test);
    }

    private string WriteProposals(int images, int perImage = 3)
    {
        var boxes = new ImageBoxes(hasScores: true);
        for (var i = 0; i < images; i++)
        {
            for (var j = 0; j < perImage; j++)
            {
                boxes.Add($"img{i}", new Box(j, 2 * j, 16 + j, 20 + i % 5), 1f - (j / 10f));
            }
        }

        var path = Path.Combine(dir, "proposals.csv");
        ProposalsFile.Write(path, boxes);
        return path;
    }

    [Test]
    public void On_a_vgg_teacher_and_student_start_from_its_fc6_fc7_and_the_three_stages_train()
    {
        using var scope = DisposeScope.Enter();
        using var method = new KdWsdMethod(Setup("vgg-small"));
        var teacher = method.Network.Teacher;
        var student = method.Network.Student;
        var vgg = (Vgg)teacher.Backbone;
        Assert.That(teacher.Fc6.Weight.Shape, Is.EqualTo(new long[] { 256, 64 * 7 * 7 }), "vgg-small's defaults: hidden 256 on 7 x 7 conv5_3 RoIs");
        Assert.That(teacher.Fc6.Weight.ToBytes(), Is.EqualTo(vgg.Fc6.Weight.ToBytes()), "WSDDN's fc6 starts as the VGG's");
        Assert.That(teacher.Fc7.Bias!.ToBytes(), Is.EqualTo(vgg.Fc7.Bias!.ToBytes()));
        Assert.That(student.Fc7.Weight.ToBytes(), Is.EqualTo(((Vgg)student.Backbone).Fc7.Weight.ToBytes()));
        var unused = teacher.NamedParameters().Where(p => p.Name.StartsWith("backbone.classifier.", StringComparison.Ordinal)).Select(p => p.Parameter).ToArray();
        Assert.That(unused, Is.Not.Empty);
        Assert.That(method.Stages[0].TrainableParameters.Intersect(unused), Is.Empty, "the VGG's own classifier is not the teacher's");
        Assert.That(method.Stages[1].TrainableParameters.Intersect(student.Backbone.Parameters()).Count(),
            Is.EqualTo(student.Backbone.NamedParameters().Count(p => p.Name.StartsWith("features.", StringComparison.Ordinal))));

        var history = Trainer.Fit(method, Data(), new TrainerOptions { Seed = 5, BatchSize = 8, EvalBatchSize = 8 });
        Assert.That(history.Select(h => h.Stage), Is.EqualTo(new[] { "teacher", "feature", "predict" }));
        Assert.That(history.All(h => double.IsFinite(h.TrainLoss)), Is.True);
        using var other = new KdWsdMethod(Setup("vgg-small", null, ("hidden", "32")));
        Assert.That(other.Network.Teacher.Fc6.Weight.Shape, Is.EqualTo(new long[] { 32, 64 * 7 * 7 }), "another width: a fresh head");
    }

    [Test]
    public void File_proposals_move_with_their_image_and_ground_truth_boxes_stay_out()
    {
        using var scope = DisposeScope.Enter();
        var path = WriteProposals(16);
        using var method = new KdWsdMethod(Setup("resnet-small", path));
        Assert.That(method.TrainingBoxes, Is.Not.Null);
        Assert.That(method.TrainingBoxes!.Count, Is.EqualTo(48));

        // Resized from 32 to 64 px: every proposal doubles; 3 per image in the file, R = 6: the last is repeated.
        var dataset = DatasetViews.WithBoxes(new TinyScenes(4, seed: 1), method.TrainingBoxes);
        var loader = new DataLoader(dataset, new Compose(new Resize(64, 64), new ToFloat()), DataLoaderOptions.ForEvaluation(4) with { IncludeBoxes = true });
        foreach (var batch in loader.Epoch(0))
        {
            using (batch)
            {
                var proposals = method.Proposals(batch, batch.Images).ToArray<float>();
                Assert.That(proposals, Has.Length.EqualTo(4 * 6 * 4));
                Assert.That(proposals.Take(4), Is.EqualTo(new float[] { 0, 0, 32, 40 }));
                Assert.That(proposals.Skip(8).Take(4), Is.EqualTo(new float[] { 4, 8, 36, 40 }));
                Assert.That(proposals.Skip(20).Take(4), Is.EqualTo(new float[] { 4, 8, 36, 40 }), "padded with the last box");
                Assert.That(proposals.Skip(24).Take(4), Is.EqualTo(new float[] { 0, 0, 32, 42 }), "image 1's own boxes");
            }
        }

        // Ground-truth boxes (with a class) in the same batch are not proposals; an image left without any gets the whole image.
        var mixed = Enumerable.Range(0, 2).Select(i => (IReadOnlyList<Box>)[new Box(1, 1, 5, 5, 2)]).ToList();
        mixed[0] = [new Box(1, 1, 5, 5, 2), new Box(2, 3, 9, 9)];
        using var testBatch = new TestBatch(mixed).Batch;
        var taken = FileProposals.Take(testBatch, 2, 20, 30, 2).ToArray<float>();
        Assert.That(taken, Is.EqualTo(new float[] { 2, 3, 9, 9, 2, 3, 9, 9, 0, 0, 30, 20, 0, 0, 30, 20 }));
        Assert.That(() => FileProposals.Take(null, 2, 20, 30, 2), Throws.InvalidOperationException.With.Message.Contains("WithBoxes"));
    }

    [Test]
    public void A_kd_wsd_run_trains_on_file_proposals_and_refuses_conflicts_and_missing_images()
    {
        using var scope = DisposeScope.Enter();
        var path = WriteProposals(16);
        using (var method = new KdWsdMethod(Setup("resnet-small", path, ("hidden", "16"))))
        {
            var history = Trainer.Fit(method, Data(new Compose(new RandomCrop(24), new Resize(32, 32), new RandomHorizontalFlip(), new ToFloat())), new TrainerOptions { Seed = 5, BatchSize = 8, EvalBatchSize = 8 });
            Assert.That(history.All(h => double.IsFinite(h.TrainLoss)), Is.True);
        }

        Assert.That(() => new KdWsdMethod(Setup("resnet-small", path, ("proposal_source", "objectness"))),
            Throws.ArgumentException.With.Message.Contains("conflicts with option proposal_source"));
        Assert.That(() => new KdWsdMethod(Setup("resnet-small", path), proposals: (_, n, _, _) => Tensor.Zeros([n, 1, 4])),
            Throws.ArgumentException.With.Message.Contains("the proposal source given in code"));

        var partial = WriteProposals(3);
        using var short_ = new KdWsdMethod(Setup("resnet-small", partial, ("hidden", "16")));
        Assert.That(() => Trainer.Fit(short_, Data(), new TrainerOptions { Seed = 5, BatchSize = 8, EvalBatchSize = 8 }),
            Throws.InstanceOf<Exception>().With.Message.Contains("image 'img").And.Message.Contains("has no boxes in the proposals"));
    }

    // A batch made by the loader around given boxes: FileProposals reads only Boxes.
    private sealed class TestBatch
    {
        public TestBatch(IReadOnlyList<IReadOnlyList<Box>> boxes)
        {
            var items = boxes.Select((b, i) => (Boxes: b, Index: i)).ToList();
            var dataset = new Listed(items.Select(x => x.Boxes).ToList());
            var loader = new DataLoader(dataset, null, DataLoaderOptions.ForEvaluation(items.Count) with { IncludeBoxes = true });
            Batch = loader.Epoch(0).Single();
        }

        public Batch Batch { get; }
    }

    private sealed class Listed(List<IReadOnlyList<Box>> boxes) : IMultiLabelDataset
    {
        public int Count => boxes.Count;

        public IReadOnlyList<string> Classes => ["a"];

        public MultiLabelItem Load(int index) => new(new ImageSample(Tensor.Zeros([3, 20, 30], ScalarType.UInt8), boxes[index]), [1], $"i{index}");
    }
}
