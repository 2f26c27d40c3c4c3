using Srn.Torch;
using Srn.Torch.IO;

namespace Srn.Tests.Torch;

/// <summary>
/// TorchCheckpoint.LoadStateDict and StateDictKeys on a model's state dict saved the ways training code saves it
/// (Fixtures/Torch/make_pth_wrapping_fixtures.py): DataParallel's "module." prefix, nested under 'state_dict' or
/// 'model'; ambiguous files are refused in one line naming the file.
/// </summary>
[TestFixture]
public sealed class PthStateDictTests
{
    private static readonly string FixtureDir =
        Path.Combine(Path.GetDirectoryName(typeof(PthStateDictTests).Assembly.Location)!, "Fixtures", "Torch", "pth", "wrapping");

    [TestCase("dataparallel.pth", "a plain state dict, 'module.' stripped from its 9 keys")]
    [TestCase("hcp_checkpoint.pth", "the state dict under 'state_dict' (next to 'epoch', 'best_mAP'), 'module.' stripped from its 9 keys")]
    [TestCase("model_key_legacy.pth", "the state dict under 'model' (next to 'optimizer', 'epoch'), 9 tensors")]
    public void The_model_state_dict_comes_out_with_torchs_names_and_values(string file, string description)
    {
        var expected = SafeTensors.Load(Fixture("expected.safetensors"));
        var (loaded, said) = TorchCheckpoint.LoadStateDict(Fixture(file));
        try
        {
            Assert.That(said, Is.EqualTo(description));
            Assert.That(loaded.Keys, Is.EqualTo(expected.Keys), "same keys in the same order");
            foreach (var (key, e) in expected)
            {
                Assert.That(loaded[key].DType, Is.EqualTo(e.DType), key);
                Assert.That(loaded[key].Shape, Is.EqualTo(e.Shape), key);
                Assert.That(loaded[key].ToBytes(), Is.EqualTo(e.ToBytes()), key);
            }
        }
        finally
        {
            foreach (var t in expected.Values.Concat(loaded.Values))
            {
                t.Dispose();
            }
        }
    }

    [TestCase("both_keys.pth", "ambiguous checkpoint: 'state_dict' and 'model' both hold state dicts")]
    [TestCase("partial_prefix.pth", "5 of 9 keys start with 'module.'")]
    [TestCase("no_wrapper.pth", "its keys are 'weights', 'epoch'; load it with TorchCheckpoint.Load(path, key)")]
    public void Ambiguous_or_unknown_layouts_are_refused_in_one_line(string file, string reason)
    {
        var path = Fixture(file);
        Assert.That(() => TorchCheckpoint.LoadStateDict(path), Throws.TypeOf<InvalidDataException>()
            .With.Message.StartsWith(path + ": ").And.Message.Contains(reason).And.Message.Not.Contains("\n"));
    }

    [Test]
    public void A_plain_state_dict_is_returned_as_it_is()
    {
        var path = Path.Combine(Path.GetDirectoryName(FixtureDir)!, "model.pth");
        var (loaded, said) = TorchCheckpoint.LoadStateDict(path);
        try
        {
            Assert.That(said, Is.EqualTo("a plain state dict, 9 tensors"));
            Assert.That(loaded.Keys.First(), Is.EqualTo("0.weight"));
        }
        finally
        {
            foreach (var t in loaded.Values)
            {
                t.Dispose();
            }
        }
    }

    [Test]
    public void StateDictKeys_strips_only_a_prefix_every_key_has_and_selects_a_child()
    {
        using var scope = DisposeScope.Enter();
        var a = Tensor.Zeros([1]);
        var b = Tensor.Ones([2]);
        var (same, stripped) = StateDictKeys.StripDataParallelPrefix(new() { ["x.weight"] = a }, "f");
        Assert.That((same.Keys.Single(), stripped), Is.EqualTo(("x.weight", false)));
        var (renamed, didStrip) = StateDictKeys.StripDataParallelPrefix(new() { ["module.x"] = a, ["module.y.z"] = b }, "f");
        Assert.That(renamed.Keys, Is.EqualTo(new[] { "x", "y.z" }));
        Assert.That(didStrip, Is.True);
        Assert.That(ReferenceEquals(renamed["x"], a), Is.True, "the tensors are not copied");
        Assert.That(() => StateDictKeys.StripDataParallelPrefix(new() { ["module.x"] = a, ["y"] = b }, "f.pth"),
            Throws.TypeOf<InvalidDataException>().With.Message.StartsWith("f.pth: 1 of 2 keys").And.Message.Contains("e.g. 'y'"));
        Assert.That(() => StateDictKeys.StripDataParallelPrefix(new() { ["module."] = a }, "f"), Throws.TypeOf<InvalidDataException>().With.Message.Contains("empty key"));

        var child = StateDictKeys.SubDict(new Dictionary<string, Tensor> { ["backbone.conv.weight"] = a, ["head.weight"] = b, ["backbone"] = b }, "backbone.");
        Assert.That(child.Keys, Is.EqualTo(new[] { "conv.weight" }));
        Assert.That(() => StateDictKeys.SubDict(new Dictionary<string, Tensor>(), "backbone"), Throws.ArgumentException);
    }

    private static string Fixture(string name) => Path.Combine(FixtureDir, name);
}
