using Srn.Distillation;
using Srn.Models;
using Srn.PartialLabels.Methods;
using Srn.Tests.Training;
using Srn.Torch;
using Srn.Training;
using Srn.Training.Methods;
using Srn.Vision;
using Srn.Vision.Transforms;

namespace Srn.Tests.Distillation;

/// <summary>KD-WSD: WSDDN's scores and loss, the frozen teacher through distillation, the scale s, CorLoc.</summary>
[TestFixture]
public sealed class KdWsdTests
{
    private static readonly string[] Classes = ["c0", "c1", "c2", "c3"];

    private static MethodSetup Setup(string stageEpochs, params (string Key, string Value)[] options) => new()
    {
        Method = "kd-wsd", Backbone = "resnet-small", ClassNames = Classes, ImageSize = 32, Epochs = 3, Seed = 3,
        Options = options.Append(("stage_epochs", stageEpochs)).Append(("proposals", "12")).Append(("hidden", "32"))
            .ToDictionary(o => o.Item1, o => o.Item2),
    };

    private static TrainingData Data()
    {
        var transform = new Compose(new RandomHorizontalFlip(), new ToFloat(), new Normalize([0.5, 0.5, 0.5], [0.25, 0.25, 0.25]));
        var test = new Compose(new ToFloat(), new Normalize([0.5, 0.5, 0.5], [0.25, 0.25, 0.25]));
        return new TrainingData(new TinyScenes(32, seed: 1), transform, new TinyScenes(16, seed: 2), test);
    }

    private static TrainerOptions Options(Action<EpochResult>? finished = null) => new()
    {
        Seed = 5, BatchSize = 8, EvalBatchSize = 16, Workers = 1, EpochFinished = finished,
    };

    private static Dictionary<string, float[]> Snapshot(Srn.Torch.NN.Module module) =>
        module.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.To(ScalarType.Float32).ToArray<float>());

    private static double Softmax(double[] v, int i) => Math.Exp(v[i]) / v.Sum(Math.Exp);

    [Test]
    public void Phi_is_in_the_open_unit_interval_and_matches_a_hand_computation()
    {
        using var scope = DisposeScope.Enter();
        // One image, R = 3 regions, K = 2 classes.
        double[,] c = { { 1.0, -0.5 }, { 0.2, 0.3 }, { -1.0, 2.0 } };
        double[,] d = { { 0.5, 0.0 }, { -0.3, 1.5 }, { 2.0, -2.0 } };
        using var xc = Tensor.FromArray(c).View(1, 3, 2);
        using var xd = Tensor.FromArray(d).View(1, 3, 2);
        foreach (var t in new[] { 1.0, 0.5 })
        {
            var phi = WsddnTeacher.ImageScores(xc, xd, t).ToArray<double>();
            for (var k = 0; k < 2; k++)
            {
                double expected = 0;
                var column = Enumerable.Range(0, 3).Select(r => d[r, k] / t).ToArray();
                for (var r = 0; r < 3; r++)
                {
                    expected += Softmax([c[r, 0] / t, c[r, 1] / t], k) * Softmax(column, r);
                }

                Assert.That(phi[k], Is.EqualTo(expected).Within(1e-12), $"T = {t}, class {k}");
                Assert.That(phi[k], Is.GreaterThan(0).And.LessThan(1));
            }
        }
    }

    [Test]
    public void Wsddn_loss_sums_over_known_labels_per_image_or_averages_the_clamped_bce_and_ignores_unknown_labels()
    {
        using var scope = DisposeScope.Enter();
        using var targets = Tensor.FromArray(new double[,] { { 1, -1, 0 }, { 0, 1, 0 } });
        using var a = Tensor.FromArray(new double[,] { { 0.7, 0.2, 0.9 }, { 0.5, 1.0, 0.1 } });
        using var b = Tensor.FromArray(new double[,] { { 0.7, 0.2, 0.01 }, { 0.99, 1.0, 0.6 } });

        // The reference: -log max(p, 1e-4) = 0 at p = 1; summed over the 3 known entries, divided by the 2 images.
        var la = WsddnLoss.Compute(a, targets).Item<double>();
        Assert.That(la, Is.EqualTo((-Math.Log(0.7) - Math.Log(0.8)) / 2).Within(1e-12));
        Assert.That(WsddnLoss.Compute(b, targets).Item<double>(), Is.EqualTo(la), "scores of unknown labels must not matter");

        // The clamped mean: p = 1 is clamped to 1 - 1e-4; averaged over the 3 known entries.
        var ma = WsddnLoss.ClampedMean(a, targets).Item<double>();
        Assert.That(ma, Is.EqualTo((-Math.Log(0.7) - Math.Log(0.8) - Math.Log(1 - 1e-4)) / 3).Within(1e-12));
        Assert.That(WsddnLoss.ClampedMean(b, targets).Item<double>(), Is.EqualTo(ma), "scores of unknown labels must not matter");
        using var none = Tensor.Zeros([2, 3], ScalarType.Float64);
        Assert.That(WsddnLoss.Compute(a, none).Item<double>(), Is.Zero);
        Assert.That(WsddnLoss.ClampedMean(a, none).Item<double>(), Is.Zero);
    }

    [Test]
    public void Teacher_parameters_and_batch_norm_buffers_stay_bit_for_bit_through_both_distillation_stages()
    {
        using var scope = DisposeScope.Enter();
        using var method = new KdWsdMethod(Setup("1,1,1"));
        var teacherBefore = new Dictionary<string, float[]>();
        var studentBefore = Snapshot(method.Network.Student);
        var data = Data();
        Trainer.Fit(method, data, Options(r =>
        {
            if (r.StageIndex == 0)
            {
                foreach (var kv in Snapshot(method.Network.Teacher))
                {
                    teacherBefore[kv.Key] = kv.Value;
                }
            }
        }));
        var teacherAfter = Snapshot(method.Network.Teacher);
        Assert.That(teacherBefore, Is.Not.Empty);
        Assert.That(teacherBefore.Keys.Where(k => k.Contains("running_mean", StringComparison.Ordinal)), Is.Not.Empty);
        var changed = teacherBefore.Keys.Where(k => !teacherBefore[k].SequenceEqual(teacherAfter[k])).ToArray();
        Assert.That(changed, Is.Empty, "the teacher must not change after its own stage");
        var studentAfter = Snapshot(method.Network.Student);
        Assert.That(studentBefore.Keys.Count(k => !studentBefore[k].SequenceEqual(studentAfter[k])), Is.GreaterThan(0));
    }

    [Test]
    public void Teacher_stage_trains_the_teacher_and_leaves_the_student_untouched()
    {
        using var scope = DisposeScope.Enter();
        using var method = new KdWsdMethod(Setup("1,0,0"));
        var student = Snapshot(method.Network.Student);
        var teacher = Snapshot(method.Network.Teacher);
        Trainer.Fit(method, Data(), Options());
        var studentAfter = Snapshot(method.Network.Student);
        var teacherAfter = Snapshot(method.Network.Teacher);
        Assert.That(student.Keys.Where(k => !student[k].SequenceEqual(studentAfter[k])), Is.Empty);
        Assert.That(teacher.Keys.Count(k => !teacher[k].SequenceEqual(teacherAfter[k])), Is.GreaterThan(0));
    }

    [Test]
    public void Feature_stage_loss_decreases()
    {
        using var scope = DisposeScope.Enter();
        using var method = new KdWsdMethod(Setup("1,4,0", ("lr", "0.02")));
        var losses = new List<double>();
        Trainer.Fit(method, Data(), Options(r =>
        {
            if (r.StageIndex == 1)
            {
                losses.Add(r.TrainLoss);
            }
        }));
        Assert.That(losses, Has.Count.EqualTo(4));
        Assert.That(losses[^1], Is.LessThan(losses[0]), string.Join(", ", losses));
    }

    [Test]
    public void Scale_has_no_weight_decay_and_receives_gradients_in_the_prediction_stage()
    {
        using var scope = DisposeScope.Enter();
        using var method = new KdWsdMethod(Setup("0,0,1", ("weight_decay", "0.1")));
        var predict = method.Stages[2];
        var scaleGroups = predict.Groups.Where(g => g.Parameters.Any(p => ReferenceEquals(p, method.Network.Scale))).ToArray();
        Assert.That(scaleGroups, Has.Length.EqualTo(1));
        Assert.That(scaleGroups[0].WeightDecay, Is.EqualTo(0.0));
        Assert.That(scaleGroups[0].Parameters, Has.Count.EqualTo(1));
        Assert.That(predict.Frozen, Does.Contain(method.Network.Teacher));
        Assert.That(predict.TrainableParameters.Intersect(method.Network.Teacher.Parameters()), Is.Empty);

        method.Model.RequiresGrad(false);
        foreach (var p in predict.TrainableParameters)
        {
            p.RequiresGrad_(true);
        }

        method.Network.Teacher.Eval();
        using var images = Tensor.Randn([2, 3, 32, 32]);
        using var targets = Tensor.FromArray(new float[,] { { 1, -1, 0, 1 }, { -1, 1, 1, 0 } });
        using var loss = method.StageLoss(2, null, images, targets);
        loss.Backward();
        using var grad = method.Network.Scale.Grad!;
        Assert.That(grad.Abs().Sum().Item<float>(), Is.GreaterThan(0));
        Assert.That(method.Network.Teacher.Parameters().All(p => p.Grad is null));
    }

    [Test]
    public void A_saved_teacher_loads_into_a_new_run_which_then_skips_the_teacher_stage()
    {
        var dir = Directory.CreateTempSubdirectory("srn-teacher-").FullName;
        try
        {
            using var scope = DisposeScope.Enter();
            var path = Path.Combine(dir, "teacher.safetensors");
            using (var first = new KdWsdMethod(Setup("1,0,0")))
            {
                Trainer.Fit(first, Data(), Options());
                first.SaveTeacher(path);
                var trained = Snapshot(first.Network.Teacher);

                // No stage_epochs: with a teacher given, the teacher stage gets no epoch and the 3 epochs go to distillation.
                var setup = new MethodSetup
                {
                    Method = "kd-wsd", Backbone = "resnet-small", ClassNames = Classes, ImageSize = 32, Epochs = 3, Seed = 4,
                    Options = new Dictionary<string, string> { ["proposals"] = "12", ["hidden"] = "32", ["teacher"] = path },
                };
                using var second = new KdWsdMethod(setup);
                Assert.That(second.Stages.Select(s => s.Epochs), Is.EqualTo(new[] { 0, 1, 2 }));
                var loaded = Snapshot(second.Network.Teacher);
                Assert.That(loaded.Keys, Is.EquivalentTo(trained.Keys));
                foreach (var key in trained.Keys)
                {
                    Assert.That(loaded[key], Is.EqualTo(trained[key]), key);
                }

                // Another head width, or other classes: refused with both descriptions.
                var wrong = Assert.Throws<InvalidDataException>(() => new KdWsdMethod(setup with { Options = new Dictionary<string, string>(setup.Options) { ["hidden"] = "16" } }));
                Assert.That(wrong!.Message, Does.Contain("hidden 32").And.Contain("hidden 16"));
                Assert.Throws<InvalidDataException>(() => new KdWsdMethod(setup with { ClassNames = ["a", "b", "c", "d"] }));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void Student_alone_has_only_the_prediction_stage_and_no_scale()
    {
        using var scope = DisposeScope.Enter();
        using var method = (KdWsdMethod)MethodCatalog.Create(new MethodSetup
        {
            Method = "kd-wsd-student", Backbone = "resnet-small", ClassNames = Classes, ImageSize = 32, Epochs = 2,
            Options = new Dictionary<string, string> { ["hidden"] = "32" },
        });
        Assert.That(method.Distill, Is.False);
        Assert.That(method.Stages.Select(s => s.Epochs), Is.EqualTo(new[] { 0, 0, 2 }));
        Assert.That(method.Stages[2].TrainableParameters, Does.Not.Contain(method.Network.Scale));
        using var kd = MethodCatalog.Create(new MethodSetup { Method = "kd-wsd", Backbone = "resnet-small", ClassNames = Classes, ImageSize = 32, Epochs = 10 });
        Assert.That(kd.Stages.Select(s => s.Epochs), Is.EqualTo(new[] { 5, 1, 4 }));
    }

    [Test]
    public void Detections_give_each_class_its_top_boxes_from_the_proposals()
    {
        using var scope = DisposeScope.Enter();
        using var method = new KdWsdMethod(Setup("1,0,0"));
        var teacher = method.Network.Teacher;
        teacher.Eval();
        using var images = Tensor.Randn([2, 3, 32, 32]);
        using var proposals = method.Proposals(null, images);
        var detections = teacher.Detections(images, proposals, topK: 2);
        Assert.That(detections, Has.Count.EqualTo(2));
        Assert.That(detections[0], Has.Count.EqualTo(2 * Classes.Length));
        var boxes = proposals.ToArray<float>();
        foreach (var d in detections.SelectMany(x => x))
        {
            Assert.That(d.Score, Is.GreaterThan(0).And.LessThan(1));
            Assert.That(Enumerable.Range(0, boxes.Length / 4).Any(j => boxes[4 * j] == d.Box.X1 && boxes[(4 * j) + 3] == d.Box.Y2), Is.True);
        }

        Assert.That(detections[0][0].Score, Is.GreaterThanOrEqualTo(detections[0][1].Score));
    }

    [Test]
    public void CorLoc_counts_present_classes_whose_top_box_overlaps_a_true_box()
    {
        Box B(float x1, float y1, float x2, float y2, int c) => new(x1, y1, x2, y2, c);
        var truth = new[]
        {
            new[] { B(0, 0, 10, 10, 0), B(20, 20, 30, 30, 1) },
            new[] { B(0, 0, 10, 10, 2) },
            Array.Empty<Box>(),
        };
        var detections = new[]
        {
            new[]
            {
                new RegionDetection(B(1, 1, 10, 10, 0), 0.9f),   // IoU 0.81: hit
                new RegionDetection(B(20, 20, 30, 30, 0), 0.1f), // lower score, ignored
                new RegionDetection(B(0, 0, 10, 10, 1), 0.8f),   // top box of class 1 on the wrong object: miss
                new RegionDetection(B(20, 20, 30, 30, 1), 0.7f),
            },
            new[] { new RegionDetection(B(0, 0, 10, 5, 2), 0.5f) }, // IoU exactly 0.5: hit
            new[] { new RegionDetection(B(0, 0, 5, 5, 3), 0.9f) },  // no true box: not counted
        };
        Assert.That(CorLoc.Compute(detections, truth), Is.EqualTo(2.0 / 3).Within(1e-12));
        Assert.That(CorLoc.IoU(B(0, 0, 2, 2, 0), B(1, 1, 3, 3, 0)), Is.EqualTo(1.0 / 7).Within(1e-12));
        Assert.That(CorLoc.Compute([[]], [[]]), Is.NaN);
        Assert.Throws<ArgumentException>(() => CorLoc.Compute([], [[]]));
    }

    [Test]
    public void CorLoc_upper_bound_counts_present_classes_some_proposal_covers()
    {
        static Box B(float x1, float y1, float x2, float y2, int c = -1) => new(x1, y1, x2, y2, c);
        IReadOnlyList<IReadOnlyList<Box>> proposals = [[B(0, 0, 10, 10), B(20, 20, 30, 30)], [B(0, 0, 4, 4)]];
        IReadOnlyList<IReadOnlyList<Box>> truth = [[B(1, 1, 10, 10, 0), B(50, 50, 60, 60, 1)], [B(0, 0, 40, 40, 0)]];
        // Image 0: class 0 covered (IoU 0.81), class 1 not; image 1: class 0 not (IoU 0.01). 1 of 3.
        Assert.That(CorLoc.UpperBound(proposals, truth), Is.EqualTo(1.0 / 3).Within(1e-12));
        Assert.That(CorLoc.UpperBound([[]], [[]]), Is.NaN);
        Assert.Throws<ArgumentException>(() => CorLoc.UpperBound([], [[]]));
    }

    [Test]
    public void Objectness_proposals_are_per_image_and_put_a_lone_textured_object_first()
    {
        using var scope = DisposeScope.Enter();
        var setup = Setup("1,1,1", ("proposal_source", "objectness")) with { ImageSize = 64 };
        using var method = new KdWsdMethod(setup);
        var pixels = new float[2 * 3 * 64 * 64];
        var texture = new Random(1);
        void Square(int image, int x, int y)
        {
            for (var ch = 0; ch < 3; ch++)
            {
                for (var row = y; row < y + 16; row++)
                {
                    for (var col = x; col < x + 16; col++)
                    {
                        pixels[(((image * 3) + ch) * 64 * 64) + (row * 64) + col] = texture.NextSingle();  // textured, like a garment
                    }
                }
            }
        }

        Square(0, 8, 30);
        Square(1, 40, 4);
        var images = Tensor.FromArray(pixels, [2, 3, 64, 64]);
        var boxes = method.Proposals(null, images);
        Assert.That(boxes.Shape, Is.EqualTo(new long[] { 2, 12, 4 }));
        var b = boxes.ToArray<float>();

        // Each image gets its own ranking (SlidingWindowProposals, R = proposals), and its best window is on its object.
        var generator = new SlidingWindowProposals(new SlidingWindowProposalsOptions { MaxBoxes = 12 });
        Box[] objects = [new(8, 30, 24, 46), new(40, 4, 56, 20)];
        for (var i = 0; i < 2; i++)
        {
            var (expected, _) = generator.Generate(images.Narrow(0, i, 1).Squeeze(0));
            var got = Enumerable.Range(0, 12).Select(j => new Box(b[(48 * i) + (4 * j)], b[(48 * i) + (4 * j) + 1], b[(48 * i) + (4 * j) + 2], b[(48 * i) + (4 * j) + 3])).ToArray();
            Assert.That(got, Is.EqualTo(expected.Select(e => e with { Class = -1 }).Take(12).ToArray()), $"image {i}");
            Assert.That(CorLoc.IoU(got[0], objects[i]), Is.GreaterThan(0.3), $"image {i}'s best window");
            Assert.That(CorLoc.IoU(got[0], objects[1 - i]), Is.Zero, $"image {i}'s best window is not on the other image's object");
        }

        Assert.Throws<ArgumentException>(() => new KdWsdMethod(Setup("1,1,1", ("proposal_source", "edges"))));
    }

    [Test]
    public void Stopping_after_the_feature_stage_and_resuming_equals_training_straight_through()
    {
        var dir = Directory.CreateTempSubdirectory("kd-wsd-resume-").FullName;
        try
        {
            using var scope = DisposeScope.Enter();
            var setup = Setup("1,1,1");
            using var straight = new KdWsdMethod(setup);
            var full = Trainer.Fit(straight, Data(), Options() with { CheckpointPath = Path.Combine(dir, "a.safetensors") });

            var path = Path.Combine(dir, "b.safetensors");
            using var cancel = new CancellationTokenSource();
            using (var first = new KdWsdMethod(setup))
            {
                var options = Options() with { CheckpointPath = path, EpochFinished = r => { if (r.Epoch == 2) cancel.Cancel(); } };
                Assert.Catch<OperationCanceledException>(() => Trainer.Fit(first, Data(), options, cancel.Token));
            }

            using var second = new KdWsdMethod(setup);
            var resumed = Trainer.Fit(second, Data(), Options() with { CheckpointPath = path, Resume = true });
            Assert.That(resumed.Select(r => r.TrainLoss), Is.EqualTo(full.Select(r => r.TrainLoss)));
            var a = Snapshot(straight.Model);
            var b = Snapshot(second.Model);
            Assert.That(b.Keys, Is.EquivalentTo(a.Keys));
            Assert.That(a.Keys.Where(k => !a[k].SequenceEqual(b[k])), Is.Empty);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestCase(32f, 1.0, Description = "true boxes cover the whole image, like the only proposal")]
    [TestCase(8f, 0.0, Description = "true boxes in a corner: IoU 1/16")]
    public void Teacher_corloc_runs_over_a_dataset_with_boxes(float side, double expected)
    {
        using var scope = DisposeScope.Enter();
        ProposalSource whole = (_, n, h, w) => Tensor.FromArray(new float[] { 0, 0, w, h }, [1, 1, 4]).Expand(n, 1, 4).Contiguous();
        using var method = new KdWsdMethod(Setup("1,0,0"), proposals: whole);
        var data = new Boxed(new TinyScenes(10, seed: 4), side);
        var corLoc = method.TeacherCorLoc(data, Data().TestTransform, Options());
        Assert.That(corLoc, Is.EqualTo(expected));
    }

    // TinyScenes with one box per present class, from the corner (0, 0) with the given side.
    private sealed class Boxed(TinyScenes inner, float side) : Srn.Data.IMultiLabelDataset
    {
        public int Count => inner.Count;

        public IReadOnlyList<string> Classes => inner.Classes;

        public Srn.Data.MultiLabelItem Load(int index)
        {
            var item = inner.Load(index);
            var boxes = item.Labels.Select((l, c) => (l, c)).Where(x => x.l == 1).Select(x => new Box(0, 0, side, side, x.c)).ToArray();
            return item with { Sample = item.Sample with { Boxes = boxes } };
        }
    }
}
