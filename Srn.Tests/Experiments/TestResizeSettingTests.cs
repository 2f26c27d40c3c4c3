using Srn.Experiments.Runs;
using Srn.PartialLabels.Runs;
using Srn.Torch;
using Srn.Training;
using Srn.Vision;
using Srn.Vision.Transforms;

namespace Srn.Tests.Experiments;

/// <summary>
/// The <c>test_resize</c> setting (PIL bicubic for HCP-MLR-PL's recipe, bilinear for SRN's) and the
/// <c>srn-independent</c> augmentation: how they resolve, enter the run identity, and pick the transforms.
/// </summary>
[TestFixture]
public sealed class TestResizeSettingTests
{
    [TestCase("dsrb", "method", "bicubic")]
    [TestCase("sarb", "method", "bicubic")]
    [TestCase("ssgrl", "method", "bicubic")]
    [TestCase("partial-bce", "method", "bicubic")]
    [TestCase("srn", "method", "bilinear")]
    [TestCase("resnet", "method", "bilinear")]
    [TestCase("kd-wsd", "method", "bilinear")]
    [TestCase("dsrb", "srn", "bilinear")]
    [TestCase("dsrb", "srn-independent", "bilinear")]
    [TestCase("srn", "hcp", "bicubic")]
    [TestCase("dsrb", "none", "bicubic")]
    [TestCase("srn", "none", "bilinear")]
    public void Method_resolves_to_the_recipe_s_own_resize(string method, string augment, string expected)
    {
        var config = new RunConfiguration { Method = method, Augment = augment };
        Assert.That(config.ResolvedTestResize, Is.EqualTo(expected));
        Assert.That((config with { TestResize = "bilinear" }).ResolvedTestResize, Is.EqualTo("bilinear"));
        Assert.That((config with { TestResize = "bicubic" }).ResolvedTestResize, Is.EqualTo("bicubic"));
    }

    [Test]
    public void The_resolved_resize_is_part_of_the_run_identity()
    {
        string Id(RunConfiguration c) => RunIdentity.Of(c, "data").RunId("fashion-scenes");
        var dsrb = new RunConfiguration { Method = "dsrb" };
        Assert.That(Id(dsrb), Is.EqualTo(Id(dsrb with { TestResize = "bicubic" })), "method resolves to bicubic for dsrb");
        Assert.That(Id(dsrb), Is.Not.EqualTo(Id(dsrb with { TestResize = "bilinear" })));
        Assert.That(RunIdentity.Of(dsrb, "data").Text, Does.Contain("test_resize=bicubic\n"));
        Assert.That(() => RunSettings.Set(dsrb, "test_resize", "lanczos"), Throws.TypeOf<RunConfigurationException>().With.Message.Contains("test_resize"));
    }

    [Test]
    public void Runs_and_checkpoints_get_the_test_transform_of_their_resize()
    {
        static Resize First(ITransform t) => (Resize)((Compose)t).Transforms[0];
        var dsrb = new RunConfiguration { Method = "dsrb", Backbone = "resnet-small" };
        var setup = new MethodSetup { Method = "dsrb", Backbone = "resnet-small", ClassNames = ["a"], ImageSize = 64 };
        Assert.That(First(RunExecutor.TestTransform(dsrb, 64, "resnet-small")).Interpolation, Is.EqualTo(InterpolationMode.Bicubic));
        Assert.That(First(RunExecutor.TestTransform(dsrb, 64, "resnet-small")).PillowRounding, Is.True);
        Assert.That(First(RunExecutor.TestTransform(dsrb with { TestResize = "bilinear" }, 64, "resnet-small")).Interpolation, Is.EqualTo(InterpolationMode.Bilinear));

        // A checkpoint: its recorded configuration decides; without one, its method's recipe.
        Assert.That(First(RunExecutor.TestTransform(setup, null)).Interpolation, Is.EqualTo(InterpolationMode.Bicubic));
        Assert.That(First(RunExecutor.TestTransform(setup, dsrb with { TestResize = "bilinear" })).Interpolation, Is.EqualTo(InterpolationMode.Bilinear));
        Assert.That(First(RunExecutor.TestTransform(setup with { Method = "srn" }, null)).Interpolation, Is.EqualTo(InterpolationMode.Bilinear));
    }

    [Test]
    public void Augment_srn_independent_picks_the_independent_srn_crop()
    {
        static SrnMultiScaleCrop Crop(ITransform t) => (SrnMultiScaleCrop)((Compose)t).Transforms[0];
        var srn = new RunConfiguration { Method = "srn", Backbone = "resnet-small" };
        var independent = RunSettings.Set(srn, "augment", "srn-independent");
        Assert.That(independent.ResolvedAugment, Is.EqualTo("srn-independent"));
        Assert.That(Crop(RunExecutor.TrainTransform(independent, 112)).Sampling, Is.EqualTo(SrnCropSampling.Independent));
        Assert.That(Crop(RunExecutor.TrainTransform(srn, 112)).Sampling, Is.EqualTo(SrnCropSampling.Tsn));
        Assert.That(RunIdentity.Of(srn, "d").Hash, Is.Not.EqualTo(RunIdentity.Of(independent, "d").Hash));
    }
}
