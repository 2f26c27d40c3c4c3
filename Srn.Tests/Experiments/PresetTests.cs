using Srn.Experiments.Sweep;
using Srn.PartialLabels.Runs;
using Srn.Tests.TestSupport;

namespace Srn.Tests.Experiments;

/// <summary>The paper presets: each parses and validates, refuses to start without pretrained weights, and is the repository's file.</summary>
[TestFixture]
public sealed class PresetTests
{
    private static IEnumerable<string> PaperPresets => SweepConfig.PresetNames.Where(n => n != "quick");

    [TestCaseSource(nameof(PaperPresets))]
    public void A_paper_preset_validates_once_given_its_data_and_weights(string name)
    {
        var weights = Path.GetTempFileName();
        try
        {
            var preset = SweepConfig.FromPreset(name);
            Assert.That(preset.Preset, Is.EqualTo(name));
            Assert.That(preset.Description, Is.Not.Null.And.Not.Empty);
            Assert.That(preset.RequiresBackboneWeights, Is.True, "every paper fine-tunes ImageNet weights");
            var ready = preset with { Run = preset.Run with { TrainManifest = "train.csv", TestManifest = "test.csv", ImageRoot = ".", BackboneWeights = weights } };
            Assert.That(() => ready.Validated(baselineGiven: false), Throws.Nothing);

            var scratch = ready with { Run = ready.Run with { BackboneWeights = null } };
            Assert.That(() => scratch.Validated(baselineGiven: false), Throws.InstanceOf<RunConfigurationException>().With.Message.Contain("--backbone-weights"));
        }
        finally
        {
            File.Delete(weights);
        }
    }

    [Test]
    public void Paper_is_another_name_of_dsrb_coco()
    {
        var paper = SweepConfig.FromPreset("paper");
        var coco = SweepConfig.FromPreset("dsrb-coco");
        Assert.That(paper.ToYaml(new Dictionary<string, string>()), Is.EqualTo(coco.ToYaml(new Dictionary<string, string>())));
        Assert.That(paper.Run, Is.EqualTo(coco.Run));
        Assert.That(paper.Run.Backbone, Is.EqualTo("resnet101"));
        Assert.That(paper.Run.Options["lr"], Is.EqualTo("1e-5"));
    }

    [Test]
    public void The_embedded_presets_are_the_files_of_data_manifests_presets()
    {
        var folder = Path.Combine(Repository.Root(), "data-manifests", "presets");
        var files = Directory.GetFiles(folder, "*.yaml").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).ToArray();
        Assert.That(files, Is.EqualTo(PaperPresets.Where(n => n != "paper").Order(StringComparer.Ordinal).ToArray()));
    }

    [Test]
    public void An_unknown_preset_lists_the_known_ones() =>
        Assert.That(() => SweepConfig.FromPreset("dsrb-imagenet"), Throws.InstanceOf<RunConfigurationException>().With.Message.Contain("dsrb-coco").And.Message.Contain("quick"));
}
