using Srn.Data;
using Srn.Distillation;
using Srn.Models;
using Srn.PartialLabels.Methods;
using Srn.Torch;
using Srn.Training;
using Srn.Training.Losses;
using Srn.Training.Methods;
using Srn.Vision.Transforms;

namespace Srn.Tests.Training;

/// <summary>
/// The reference recipes of the Caffe methods as method options: KD-WSD's per-layer learning-rate and weight-decay
/// multipliers (<c>lr_mult</c>), its WSDDN loss (<c>wsddn_loss</c>), the loss normalisation of SRN and KD-WSD
/// (<c>loss_norm</c>), and the teacher's mAP in the epoch log.
/// </summary>
[TestFixture]
public sealed class CaffeRecipeTests
{
    private const double Lr = 0.01;
    private const double Wd = 5e-4;
    private static readonly string[] Classes = ["c0", "c1", "c2", "c3"];

    private static MethodSetup Setup(string method, string stageEpochs, params (string Key, string Value)[] options) => new()
    {
        Method = method, Backbone = "resnet-small", ClassNames = Classes, ImageSize = 32, Epochs = 3, Seed = 3,
        Options = options.Append(("stage_epochs", stageEpochs))
            .Concat(method.StartsWith("kd-wsd", StringComparison.Ordinal) ? [("proposals", "12"), ("hidden", "32")] : [])
            .ToDictionary(o => o.Item1, o => o.Item2),
    };

    private static TrainingData Data()
    {
        var transform = new Compose(new RandomHorizontalFlip(), new ToFloat(), new Normalize([0.5, 0.5, 0.5], [0.25, 0.25, 0.25]));
        var test = new Compose(new ToFloat(), new Normalize([0.5, 0.5, 0.5], [0.25, 0.25, 0.25]));
        return new TrainingData(new TinyScenes(32, seed: 1), transform, new TinyScenes(16, seed: 2), test);
    }

    private static TrainerOptions Options() => new() { Seed = 5, BatchSize = 8, EvalBatchSize = 16, Workers = 1 };

    private static Tensor Targets() => Tensor.FromArray(new float[,] { { 1, -1, 0, 1 }, { -1, 1, 1, 0 } });

    // Each trainable parameter of a stage by its name in the model, with the learning rate and weight decay its optimizer group gives it.
    private static Dictionary<string, (double Lr, double Wd)> Rates(KdWsdMethod method, int stage)
    {
        var names = method.Model.NamedParameters().ToDictionary(p => (object)p.Parameter, p => p.Name, ReferenceEqualityComparer.Instance);
        var rates = new Dictionary<string, (double, double)>();
        using var optimizer = method.Stages[stage].Optimizer.Create(method.Stages[stage].Groups);
        foreach (var group in optimizer.ParamGroups)
        {
            foreach (var p in group.Parameters)
            {
                Assert.That(rates.TryAdd(names[p], (group.Lr, group.WeightDecay)), Is.True, $"{names[p]} is in one group only");
            }
        }

        return rates;
    }

    [Test]
    public void Kd_wsd_reference_multipliers_give_each_parameter_the_rate_and_decay_of_its_prototxt_layer()
    {
        using var scope = DisposeScope.Enter();
        using var method = new KdWsdMethod(Setup("kd-wsd", "1,1,1", ("lr", "0.01"), ("weight_decay", "0.0005")));
        Assert.That(method.LrMultipliers, Is.True, "the reference's multipliers by default");
        var all = method.Model.NamedParameters().Select(p => p.Name).Where(n => !n.Contains("backbone.fc.", StringComparison.Ordinal)).ToArray();

        // wsddn/wsddn_train.prototxt: conv and fc6/fc7 weights 1/1, their biases 2/0, fc8_c and fc8_d (x_c, x_d) 10/10, biases 20/0.
        var teacher = Rates(method, 0);
        Assert.That(teacher.Keys, Is.EquivalentTo(all.Where(n => n.StartsWith("teacher.", StringComparison.Ordinal))));
        Assert.That(teacher["teacher.x_c.weight"], Is.EqualTo((10 * Lr, 10 * Wd)));
        Assert.That(teacher["teacher.x_d.weight"], Is.EqualTo((10 * Lr, 10 * Wd)));
        Assert.That(teacher["teacher.x_c.bias"], Is.EqualTo((20 * Lr, 0.0)));
        Assert.That(teacher["teacher.x_d.bias"], Is.EqualTo((20 * Lr, 0.0)));
        Assert.That(teacher["teacher.fc6.weight"], Is.EqualTo((Lr, Wd)));
        Assert.That(teacher["teacher.fc7.bias"], Is.EqualTo((2 * Lr, 0.0)));
        Assert.That(teacher["teacher.backbone.conv1.weight"], Is.EqualTo((Lr, Wd)));
        Assert.That(teacher["teacher.backbone.bn1.bias"], Is.EqualTo((Lr, Wd)), "batch norm has no VGG16 counterpart: the backbone's rate");
        Assert.That(teacher.Where(kv => kv.Key.StartsWith("teacher.backbone.", StringComparison.Ordinal)).Select(kv => kv.Value), Has.All.EqualTo((Lr, Wd)));

        // kd/train_stage1.prototxt: the student's conv1_1 ... fc7 at 1/1, biases 2/0; no classifier in this stage.
        var feature = Rates(method, 1);
        Assert.That(feature.Keys, Is.EquivalentTo(all.Where(n => n.StartsWith("student.", StringComparison.Ordinal) && !n.StartsWith("student.classifier.", StringComparison.Ordinal))));
        Assert.That(feature["student.fc6.weight"], Is.EqualTo((Lr, Wd)));
        Assert.That(feature["student.fc6.bias"], Is.EqualTo((2 * Lr, 0.0)));
        Assert.That(feature["student.fc7.bias"], Is.EqualTo((2 * Lr, 0.0)));
        Assert.That(feature.Where(kv => kv.Key.StartsWith("student.backbone.", StringComparison.Ordinal)).Select(kv => kv.Value), Has.All.EqualTo((Lr, Wd)));

        // kd/train_stage2.prototxt: the same, fc8_mscoco (the classifier) 10/10 with bias 20/0, fc8_mscoco_soft (s) 10/0.
        var predict = Rates(method, 2);
        Assert.That(predict.Keys, Is.EquivalentTo(all.Where(n => n.StartsWith("student.", StringComparison.Ordinal)).Append("kd_scale")));
        Assert.That(predict["student.classifier.weight"], Is.EqualTo((10 * Lr, 10 * Wd)));
        Assert.That(predict["student.classifier.bias"], Is.EqualTo((20 * Lr, 0.0)));
        Assert.That(predict["kd_scale"], Is.EqualTo((10 * Lr, 0.0)));
        Assert.That(predict["student.fc7.weight"], Is.EqualTo((Lr, Wd)));
        Assert.That(predict["student.fc7.bias"], Is.EqualTo((2 * Lr, 0.0)));
        Assert.That(predict["student.backbone.layer4.0.conv1.weight"], Is.EqualTo((Lr, Wd)));
    }

    [Test]
    public void On_a_vgg_the_convolution_biases_get_the_prototxts_double_rate_without_decay_and_its_own_classifier_none()
    {
        using var scope = DisposeScope.Enter();
        using var method = new KdWsdMethod(Setup("kd-wsd", "1,1,1", ("lr", "0.01"), ("weight_decay", "0.0005")) with { Backbone = "vgg-small" });
        var teacher = Rates(method, 0);
        Assert.That(teacher["teacher.backbone.features.0.weight"], Is.EqualTo((Lr, Wd)));
        Assert.That(teacher["teacher.backbone.features.0.bias"], Is.EqualTo((2 * Lr, 0.0)), "conv1_1's bias: lr_mult 2, decay_mult 0");
        Assert.That(teacher.Keys.Where(k => k.StartsWith("teacher.backbone.classifier.", StringComparison.Ordinal)), Is.Empty, "the VGG's own fc layers are unused");
        Assert.That(teacher["teacher.fc6.bias"], Is.EqualTo((2 * Lr, 0.0)));
        Assert.That(teacher["teacher.x_d.weight"], Is.EqualTo((10 * Lr, 10 * Wd)));
        var predict = Rates(method, 2);
        Assert.That(predict.Where(kv => kv.Key.StartsWith("student.backbone.features.", StringComparison.Ordinal) && kv.Key.EndsWith(".bias", StringComparison.Ordinal)).Select(kv => kv.Value),
            Is.Not.Empty.And.All.EqualTo((2 * Lr, 0.0)));
        Assert.That(predict["student.classifier.bias"], Is.EqualTo((20 * Lr, 0.0)));
    }

    [Test]
    public void Kd_wsd_without_multipliers_trains_everything_at_one_rate_and_s_without_decay()
    {
        using var scope = DisposeScope.Enter();
        using var method = new KdWsdMethod(Setup("kd-wsd", "1,1,1", ("lr", "0.01"), ("weight_decay", "0.0005"), ("lr_mult", "none")));
        Assert.That(method.LrMultipliers, Is.False);
        for (var stage = 0; stage < 3; stage++)
        {
            var rates = Rates(method, stage);
            Assert.That(rates.Where(kv => kv.Key != "kd_scale").Select(kv => kv.Value), Has.All.EqualTo((Lr, Wd)), method.Stages[stage].Name);
            Assert.That(rates.ContainsKey("kd_scale"), Is.EqualTo(stage == 2));
        }

        Assert.That(Rates(method, 2)["kd_scale"], Is.EqualTo((Lr, 0.0)));
        Assert.That(Rates(method, 2), Has.Count.EqualTo(Rates(method, 1).Count + 3), "the prediction stage adds the classifier and s");
    }

    [TestCase("lr_mult", "caffe", "Method 'kd-wsd': lr_mult 'caffe' is not one of reference, none.")]
    [TestCase("wsddn_loss", "mean", "Method 'kd-wsd': wsddn_loss 'mean' is not one of reference, clamped-mean.")]
    [TestCase("loss_norm", "sum", "Method 'kd-wsd': loss_norm 'sum' is not one of batch, mean.")]
    public void Kd_wsd_refuses_a_bad_recipe_option_naming_it_and_the_valid_values(string option, string value, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => new KdWsdMethod(Setup("kd-wsd", "1,1,1", (option, value))))!;
        Assert.That(e.Message, Is.EqualTo(message));
    }

    [Test]
    public void Kd_wsd_teacher_stage_uses_the_reference_wsddn_loss_unless_told_the_clamped_mean()
    {
        using var scope = DisposeScope.Enter();
        using var images = Tensor.Randn([2, 3, 32, 32]);
        using var targets = Targets();
        foreach (var (value, expected) in new (string?, Func<Tensor, Tensor, Tensor>)[] { (null, WsddnLoss.Compute), ("reference", WsddnLoss.Compute), ("clamped-mean", WsddnLoss.ClampedMean) })
        {
            using var method = new KdWsdMethod(value is null ? Setup("kd-wsd", "1,1,1") : Setup("kd-wsd", "1,1,1", ("wsddn_loss", value)));
            method.Model.Eval();
            using var noGrad = Autograd.NoGrad();
            using var output = method.Network.Teacher.Forward(images, method.Proposals(null, images));
            var want = expected(WsddnTeacher.ImageScores(output.Xc, output.Xd), targets).Item<float>();
            Assert.That(method.StageLoss(0, null, images, targets).Item<float>(), Is.EqualTo(want).Within(1e-6 * Math.Abs(want)), value ?? "default");
        }
    }

    [Test]
    public void Kd_wsd_prediction_terms_are_summed_per_image_by_default_and_averaged_with_loss_norm_mean()
    {
        using var scope = DisposeScope.Enter();
        using var images = Tensor.Randn([2, 3, 32, 32]);
        using var targets = Targets();
        foreach (var (value, normalization) in new[] { ((string?)null, LossNormalization.Batch), ("mean", LossNormalization.Mean) })
        {
            using var method = new KdWsdMethod(value is null ? Setup("kd-wsd", "1,1,1") : Setup("kd-wsd", "1,1,1", ("loss_norm", value)));
            Assert.That(method.Normalization, Is.EqualTo(normalization));
            method.Model.Eval();
            using var noGrad = Autograd.NoGrad();
            var logits = method.Network.Student.Forward(images);
            using var output = method.Network.Teacher.Forward(images, method.Proposals(null, images));
            var soft = WsddnTeacher.ImageScores(output.Xc, output.Xd, 0.5);
            var distill = Functional.BinaryCrossEntropyWithLogits(logits * method.Network.Scale, soft, reduction: Reduction.Sum).Item<float>();
            var want = normalization == LossNormalization.Batch
                ? PartialBce.Instance.ComputeSumPerImage(logits, targets).Item<float>() + (distill / 2)
                : PartialBce.Instance.Compute(logits, targets).Item<float>() + (distill / 8);
            Assert.That(method.StageLoss(2, null, images, targets).Item<float>(), Is.EqualTo(want).Within(1e-5 * want), value ?? "default");
        }
    }

    [Test]
    public void Srn_stage_losses_are_summed_per_image_by_default_and_averaged_with_loss_norm_mean()
    {
        using var scope = DisposeScope.Enter();
        using var images = Tensor.Randn([2, 3, 32, 32]);
        using var targets = Targets();
        foreach (var (value, normalization) in new[] { ((string?)null, LossNormalization.Batch), ("mean", LossNormalization.Mean) })
        {
            using var method = (SrnMethod)MethodCatalog.Create(value is null ? Setup("srn", "1,1,1,1") : Setup("srn", "1,1,1,1", ("loss_norm", value)));
            Assert.That(method.Normalization, Is.EqualTo(normalization));
            method.Model.Eval();
            using var noGrad = Autograd.NoGrad();
            using var output = method.Network.Forward(images, SrnHeads.All);
            var heads = new[] { output.Cls!, output.Att!, output.Sr!, output.Fused! };
            for (var stage = 0; stage < 4; stage++)
            {
                var want = (normalization == LossNormalization.Batch ? PartialBce.Instance.ComputeSumPerImage(heads[stage], targets) : PartialBce.Instance.Compute(heads[stage], targets)).Item<float>();
                Assert.That(method.StageLoss(stage, images, targets).Item<float>(), Is.EqualTo(want).Within(1e-5 * want), $"{value ?? "default"}, stage {stage}");
            }
        }

        var e = Assert.Throws<ArgumentException>(() => new SrnMethod(Setup("srn", "1,1,1,1", ("loss_norm", "Sum"))))!;
        Assert.That(e.Message, Is.EqualTo("Method 'srn': loss_norm 'Sum' is not one of batch, mean."));
    }

    [Test]
    public void With_a_proposals_file_the_teacher_is_scored_on_its_proposals_and_not_on_images_the_file_lacks()
    {
        var dir = Directory.CreateTempSubdirectory("srn-teacher-proposals-").FullName;
        try
        {
            using var scope = DisposeScope.Enter();
            var boxes = new ImageBoxes(hasScores: false);
            for (var i = 0; i < 32; i++)
            {
                boxes.Add($"img{i}", new Srn.Vision.Box(0, 0, 16, 16));
                boxes.Add($"img{i}", new Srn.Vision.Box(8, 8, 32, 32));
            }

            var path = Path.Combine(dir, "proposals.csv");
            ProposalsFile.Write(path, boxes);
            var data = Data();
            using (var method = new KdWsdMethod(Setup("kd-wsd", "1,0,1") with { ProposalsFile = path }))
            {
                var history = Trainer.Fit(method, data, Options());
                Assert.That(history.Select(h => h.TeacherMap), Has.All.Not.Null, "the file lists the 16 test images too");
            }

            // The test images img0 ... img39 beyond the file's 32 have no proposals: no teacher mAP, and training goes on.
            using var uncovered = new KdWsdMethod(Setup("kd-wsd", "1,0,1") with { ProposalsFile = path });
            var wide = data with { Test = new TinyScenes(40, seed: 2) };
            Assert.That(Trainer.Fit(uncovered, wide, Options()).Select(h => h.TeacherMap), Has.All.Null);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void The_teacher_map_is_recorded_for_each_evaluated_kd_wsd_epoch_and_for_no_other_method()
    {
        using var scope = DisposeScope.Enter();
        var data = Data();
        using var method = new KdWsdMethod(Setup("kd-wsd", "1,1,1"));
        var history = Trainer.Fit(method, data, Options());
        Assert.That(history, Has.Count.EqualTo(3));
        Assert.That(history.Select(h => h.TeacherMap), Has.All.Not.Null);
        Assert.That(history.Select(h => h.TeacherMap!.Value), Has.All.InRange(0.0, 100.0));

        // The teacher is frozen after its stage: the same mAP in the feature and prediction stages, and the same as a fresh evaluation.
        Assert.That(history[2].TeacherMap, Is.EqualTo(history[1].TeacherMap));
        method.EnterStage(2);
        var fresh = method.EvaluateTeacher(data.Test, data.TestTransform, Options())!;
        Assert.That(fresh.Metrics.Map, Is.EqualTo(history[2].TeacherMap!.Value).Within(1e-9));
        Assert.That(history[2].TeacherMap, Is.Not.EqualTo(history[2].Metrics!.Map), "the teacher's, not the student's");

        // Its scores are the teacher's phi as logits, image by image.
        method.Model.Eval();
        var loader = new DataLoader(data.Test, data.TestTransform, DataLoaderOptions.ForEvaluation(16));
        foreach (var batch in loader.Epoch(0))
        {
            using (batch)
            {
                var phi = method.TeacherScores(batch.Images, batch).To(ScalarType.Float64).ToArray<double>();
                var index = batch.Indices.ToArray<long>();
                for (var i = 0; i < index.Length; i++)
                {
                    for (var k = 0; k < Classes.Length; k++)
                    {
                        var p = phi[(i * Classes.Length) + k];
                        Assert.That(fresh.Scores[index[i], k], Is.EqualTo(Math.Log(p / (1 - p))).Within(1e-9));
                    }
                }
            }
        }

        using var student = new KdWsdMethod(Setup("kd-wsd-student", "0,0,1", ("distill", "false")));
        Assert.That(student.EvaluateTeacher(data.Test, data.TestTransform, Options()), Is.Null);
        Assert.That(Trainer.Fit(student, data, Options()).Select(h => h.TeacherMap), Has.All.Null);
        using var srn = new SrnMethod(Setup("srn", "1,0,0,0"));
        Assert.That(Trainer.Fit(srn, data, Options()).Select(h => h.TeacherMap), Has.All.Null);
    }
}
