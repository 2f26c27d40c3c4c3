using System.Globalization;
using Srn.Experiments;
using Srn.Experiments.Runs;
using Srn.Experiments.Sweep;
using Srn.PartialLabels.Runs;

namespace Srn.Tests.Experiments;

/// <summary>The run configuration: one parse, one check, one formatting; run ids exact and complete.</summary>
[TestFixture]
public sealed class RunIdentityTests
{
    [Test]
    public void Every_method_has_a_recipe_version_in_its_identity()
    {
        foreach (var method in Srn.PartialLabels.Methods.MethodCatalog.Names)
        {
            var identity = RunIdentity.Of(new RunConfiguration { Method = method }, "fp");
            Assert.That(identity.Settings.Single(p => p.Key == "recipe").Value, Is.EqualTo(Srn.PartialLabels.Methods.MethodCatalog.RecipeVersion(method)), method);
        }
    }

    [Test]
    public void A_run_of_another_recipe_version_is_another_run_and_the_difference_is_named()
    {
        var now = RunIdentity.Of(new RunConfiguration { Method = "srn" }, "fp");
        var older = new RunIdentity([.. now.Settings.Where(p => p.Key != "recipe")]);
        Assert.That(older.Hash, Is.Not.EqualTo(now.Hash));
        Assert.That(RunIdentity.Differences(older, now), Is.EqualTo(new[] { $"recipe: (unset) -> {Srn.PartialLabels.Methods.MethodCatalog.RecipeVersion("srn")}" }));
    }

    [Test]
    public void Every_setting_formats_to_text_that_parses_back_to_the_same_value()
    {
        var config = new RunConfiguration
        {
            Dataset = "manifests", TrainManifest = "a.csv", TestManifest = "b.csv", ImageRoot = "img", Method = "dsrb", Backbone = "resnet18", ImageSize = 96,
            Epochs = 3, BatchSize = 7, Proportion = 0.121, Protocol = "per-image", Seed = 5, MaskSeed = 9, TrainLimit = 100, TestLimit = 50, Augment = "none",
            TestResize = "bicubic", Precision = "bf16", ChannelsLast = true,
            Device = "cuda:1", Workers = 3, Threads = 2,
        };
        var rebuilt = RunSettings.All.Where(s => s.Name != RunSettings.OptionSetting)
            .Aggregate(new RunConfiguration(), (c, s) => s.Get(config) is { } text ? s.Set(c, text) : c);
        Assert.That(rebuilt, Is.EqualTo(config));
        Assert.That(RunSettings.Format(0.1 + 0.2), Is.EqualTo("0.30000000000000004"), "exact, never rounded");
    }

    [TestCase("proportion", "0")]
    [TestCase("proportion", "1.5")]
    [TestCase("proportion", "abc")]
    [TestCase("epochs", "0")]
    [TestCase("mask_seed", "-1")]
    [TestCase("seed", "-3")]
    [TestCase("batch_size", "9999999999")]
    [TestCase("method", "no-such-method")]
    [TestCase("backbone", "resnet9000")]
    [TestCase("protocol", "nope")]
    [TestCase("device", "tpu")]
    [TestCase("precision", "fp8")]
    [TestCase("channels_last", "maybe")]
    [TestCase("option", "novalue")]
    [TestCase("epoch", "3")]
    public void A_bad_value_is_a_configuration_error_naming_the_setting(string name, string value)
    {
        var e = Assert.Throws<RunConfigurationException>(() => RunSettings.Set(new RunConfiguration(), name, value))!;
        Assert.That(e.Message, Does.Contain(name));
    }

    [Test]
    public void Observed_6_run_ids_do_not_collide_by_rounding_or_by_a_setting_they_leave_out()
    {
        string Id(RunConfiguration c) => RunIdentity.Of(c, "data").RunId("fashion-scenes");
        var a = new RunConfiguration { Method = "dsrb", Proportion = 0.121 };
        var ids = new[]
        {
            Id(a), Id(a with { Proportion = 0.124 }), Id(a with { Epochs = 6 }), Id(a with { Protocol = "per-image" }), Id(a with { TrainLimit = 100 }),
            Id(a with { TestLimit = 100 }), Id(a.WithOption("lr", "0.1")), Id(a with { MaskSeed = 1 }), Id(a with { BatchSize = 16 }), Id(a with { Augment = "none" }),
            Id(a with { Precision = "bf16" }), Id(a with { ChannelsLast = true }),
            RunIdentity.Of(a, "other data").RunId("fashion-scenes"),
        };
        Assert.That(ids.Distinct().Count(), Is.EqualTo(ids.Length), string.Join("\n", ids));
        Assert.That(ids[0], Does.StartWith("fashion-scenes_dsrb_resnet-small_112_p0.121_s0_"));
        Assert.That(Id(a with { Device = "cuda", Workers = 4, Threads = 1 }), Is.EqualTo(ids[0]), "where a run executes is not what it computes");
        Assert.That(Id(a with { ImageSize = 112 }), Is.EqualTo(ids[0]), "the backbone's default size, given or not, is one run");
    }

    [Test]
    public void Backbone_weights_count_by_their_content_not_their_path()
    {
        var dir = Directory.CreateTempSubdirectory("srn-weights-id-").FullName;
        try
        {
            var a = Path.Combine(dir, "a.pth");
            var b = Path.Combine(dir, "b.pth");
            File.WriteAllBytes(a, [1, 2, 3]);
            File.WriteAllBytes(b, [1, 2, 3]);
            string Hash(string path) => RunIdentity.Of(new RunConfiguration { BackboneWeights = path }, "data").Hash;
            Assert.That(Hash(b), Is.EqualTo(Hash(a)), "a copy elsewhere is the same initialisation");
            File.WriteAllBytes(b, [1, 2, 4]);
            File.SetLastWriteTimeUtc(b, DateTime.UtcNow.AddMinutes(1));
            Assert.That(Hash(b), Is.Not.EqualTo(Hash(a)), "other weights are another run, also when the file is rewritten in place");
            Assert.That(Hash(a), Is.Not.EqualTo(RunIdentity.Of(new RunConfiguration(), "data").Hash));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void Observed_6_a_sweep_refuses_a_proportion_or_seed_given_twice()
    {
        var twice = new SweepConfig { Proportions = [0.5, 0.5] };
        Assert.That(() => twice.Validated(false), Throws.TypeOf<RunConfigurationException>().With.Message.Contains("0.5 given more than once"));
        Assert.That(() => new SweepConfig { Seeds = [1, 1] }.Validated(false), Throws.TypeOf<RunConfigurationException>());
        Assert.That(() => new SweepConfig { Methods = ["dsrb", "dsrb"] }.Validated(false), Throws.TypeOf<RunConfigurationException>());
        Assert.That(SweepConfig.ParseProportions("0.1:0.9:0.1"), Is.EqualTo(new[] { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9 }));
    }

    [Test]
    public void Observed_10_a_baseline_that_is_not_a_method_is_refused_when_asked_for()
    {
        Assert.That(() => new SweepConfig { Baseline = "foo" }.Validated(baselineGiven: true), Throws.TypeOf<RunConfigurationException>().With.Message.Contains("--baseline 'foo'"));
        Assert.That(new SweepConfig { Methods = ["dsrb"] }.Validated(baselineGiven: false).Baseline, Is.Null, "the default baseline is dropped when the sweep lacks it");
    }

    [Test]
    public void A_sweep_file_uses_the_command_line_names_and_syntax_and_names_the_line_of_an_error()
    {
        var dir = Directory.CreateTempSubdirectory("srn-sweep-yaml-").FullName;
        try
        {
            var good = Path.Combine(dir, "good.yaml");
            File.WriteAllText(good, "methods: partial-bce, dsrb\nproportions: 0.1:0.3:0.1\nseeds: [0, 1]\nepochs: 2\nbatch_size: 8\nmask_seed: 3\noptions:\n  lr: 0.5\n");
            var sweep = SweepConfig.Load(good);
            Assert.That(sweep.Methods, Is.EqualTo(new[] { "partial-bce", "dsrb" }));
            Assert.That(sweep.Proportions, Is.EqualTo(new[] { 0.1, 0.2, 0.3 }));
            Assert.That(sweep.Seeds, Is.EqualTo(new[] { 0, 1 }));
            Assert.That((sweep.Run.Epochs, sweep.Run.BatchSize, sweep.Run.MaskSeed, sweep.Run.Options["lr"]), Is.EqualTo((2, 8, 3, "0.5")));
            Assert.That(sweep.Run.TrainLimit, Is.EqualTo(1600), "a file starts from the default sweep");

            var written = Path.Combine(dir, "written.yaml");
            File.WriteAllText(written, sweep.ToYaml(new Dictionary<string, string> { ["commit"] = "x" }));
            var again = SweepConfig.Load(written);
            Assert.That(again.Run with { Threads = null }, Is.EqualTo(sweep.Run with { ImageSize = 112 }), "config.yaml reloads to the same sweep");
            Assert.That(File.ReadAllText(written), Does.Contain("image_size: 112").And.Match("threads: [0-9]+"), "config.yaml leaves nothing empty that has a value");

            var bad = Path.Combine(dir, "bad.yaml");
            File.WriteAllText(bad, "epochs: 2\nmask_seed: -4\n");
            Assert.That(() => SweepConfig.Load(bad), Throws.TypeOf<RunConfigurationException>().With.Message.Contains("bad.yaml, line 2: mask_seed"));
            File.WriteAllText(bad, "epoch: 2\n");
            Assert.That(() => SweepConfig.Load(bad), Throws.TypeOf<RunConfigurationException>().With.Message.Contains("unknown setting 'epoch'"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void Observed_8_every_exception_becomes_one_error_line_and_usage_errors_exit_2()
    {
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        Assert.That(CommandGuard.Report(new RunConfigurationException("epochs must be at least 1"), error), Is.EqualTo(2));
        Assert.That(CommandGuard.Report(new InvalidDataException("x.safetensors: corrupt"), error), Is.EqualTo(1));
        Assert.That(CommandGuard.Report(new FieldAccessException("boom\nsecond line"), error), Is.EqualTo(1));
        Assert.That(CommandGuard.Report(new OperationCanceledException(), error), Is.EqualTo(130));
        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(4), error.ToString());
        Assert.That(lines.Take(3), Has.All.StartWith("error: "));
        Assert.That(error.ToString(), Does.Not.Contain("   at "), "no stack trace without --verbose");
    }

    [Test]
    public void Observed_8_a_parse_error_is_a_usage_error_with_one_line()
    {
        var saved = Console.Error;
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        Console.SetError(error);
        try
        {
            Assert.That(Program.Run(["train", "--epochs"]), Is.EqualTo(2));
            Assert.That(Program.Run(["train", "--no-such-option", "1"]), Is.EqualTo(2));
            Assert.That(Program.Run(["train", "--mask-seed=-1"]), Is.EqualTo(2));
        }
        finally
        {
            Console.SetError(saved);
        }

        Assert.That(error.ToString(), Does.Contain("error: ").And.Not.Contain("   at ").And.Not.Contain("Unhandled"));
        Assert.That(error.ToString(), Does.Contain("--mask-seed: mask_seed must be at least 0, got -1."));
    }
}
