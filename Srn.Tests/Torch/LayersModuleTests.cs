using Srn.Tests.Fixtures;
using Srn.Torch;
using Srn.Torch.IO;
using Srn.Torch.NN;

namespace Srn.Tests.Torch;

/// <summary>
/// A small nested model using every layer kind of Srn.Torch.NN; mirrors TinyNet in
/// Fixtures/Torch/make_layers_fixtures.py (same construction order, hence the same draws under a seed).
/// </summary>
internal sealed class TinyNet : Module<(Tensor Image, Tensor Labels), Tensor>
{
    public TinyNet()
    {
        Stem = RegisterModule("stem", new Sequential(new Conv2d(3, 4, 3, padding: 1, bias: false), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2)));
        Temperature = RegisterParameter("temperature", Tensor.Full([1], 2.0))!;
        Pool = RegisterModule("pool", new AdaptiveAvgPool2d(1));
        Embed = RegisterModule("embed", new Embedding(5, 4, paddingIdx: 0));
        Norm = RegisterModule("norm", new LayerNorm(4));
        ClassPrior = RegisterBuffer("class_prior", Tensor.Linspace(-1, 1, 5))!;
        Gru = RegisterModule("gru", new GRUCell(4, 4));
        Drop = RegisterModule("drop", new Dropout(0.25));
        Heads = RegisterModule("heads", new ModuleList<Linear>(new Linear(4, 2), new Linear(4, 3, bias: false)));
        RegisterBuffer("scratch", Tensor.Zeros([2]), persistent: false);
    }

    public Sequential Stem { get; }

    public Tensor Temperature { get; }

    public AdaptiveAvgPool2d Pool { get; }

    public Embedding Embed { get; }

    public LayerNorm Norm { get; }

    public Tensor ClassPrior { get; }

    public GRUCell Gru { get; }

    public Dropout Drop { get; }

    public ModuleList<Linear> Heads { get; }

    protected override Tensor ForwardCore((Tensor Image, Tensor Labels) input)
    {
        using var scope = DisposeScope.Enter();
        var f = Pool.Forward(Stem.Forward(input.Image)).Flatten(1);
        var h = Gru.Forward((Norm.Forward(f + Embed.Forward(input.Labels)), null));
        h = Drop.Forward(Gru.Forward((Norm.Forward(f), h)));
        var logits = Tensor.Cat([.. Heads.Select(head => head.Forward(h))], 1);
        return ((logits * Temperature) + ClassPrior).MoveToOuterScope();
    }
}

/// <summary>Module behaviour on layers and a nested model: names, state dicts, modes, freezing, dtype moves, hooks, disposal, containers, errors.</summary>
[TestFixture]
[NonParallelizable]
public sealed class LayersModuleTests
{
    private const string File = "Torch/layers.safetensors";
    private static readonly long[] StemShapes = [4 * 3 * 3 * 3, 4, 4];

    private static Dictionary<string, string> Metadata()
    {
        string path;
        using (var f = new ParityFixture(File))
        {
            path = f.Path;
        }

        using var scope = DisposeScope.Enter();
        return SafeTensors.Read(path).Metadata;
    }

    private static string[] Names(string key) => Metadata()[key].Split(',');

    private static TinyNet Net(ulong seed)
    {
        LibTorch.ManualSeed(seed);
        return new TinyNet();
    }

    private static (Tensor Image, Tensor Labels) Batch()
    {
        LibTorch.ManualSeed(99);
        return (Tensor.Randn([2, 3, 6, 6]), Tensor.FromArray(new long[] { 0, 3 }));
    }

    private static Dictionary<string, Tensor> Snapshot(Module m) => m.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Clone());

    // Two C# tensors with the same shape, dtype and values (exactly).
    private static void AssertEqual(Tensor actual, Tensor expected, string what)
    {
        Assert.That(actual.Shape, Is.EqualTo(expected.Shape), $"{what}: shape");
        Assert.That(actual.DType, Is.EqualTo(expected.DType), $"{what}: dtype");
        using var a = actual.Detach();
        using var e = expected.Detach();
        Assert.That(a.ToDoubleArray(), Is.EqualTo(e.ToDoubleArray()), what);
    }

    private static void AssertSameState(Module m, Dictionary<string, Tensor> expected, string what)
    {
        var state = m.StateDict();
        Assert.That(state.Keys, Is.EqualTo(expected.Keys), what);
        foreach (var (k, v) in state)
        {
            AssertEqual(v, expected[k], $"{what}: {k}");
        }
    }

    [Test]
    public void Names_and_order_of_parameters_buffers_state_and_modules_are_PyTorchs()
    {
        using var scope = DisposeScope.Enter();
        using var net = Net(15);
        Assert.Multiple(() =>
        {
            Assert.That(net.NamedParameters().Select(p => p.Name), Is.EqualTo(Names("tiny_net_parameters")));
            Assert.That(net.NamedBuffers().Select(b => b.Name), Is.EqualTo(Names("tiny_net_buffers")));
            Assert.That(net.StateDict().Keys, Is.EqualTo(Names("tiny_net_state_dict")));
            Assert.That(net.NamedModules().Select(m => m.Name), Is.EqualTo(Names("tiny_net_modules")));
        });
    }

    [Test]
    public void Parameter_count_is_PyTorchs_and_counts_trainable_ones()
    {
        using var net = Net(15);
        var total = long.Parse(Metadata()["tiny_net_parameter_count"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(net.ParameterCount(), Is.EqualTo(total));
        Assert.That(net.ParameterCount(trainableOnly: true), Is.EqualTo(total));
        net.Stem.RequiresGrad(false);
        Assert.That(net.ParameterCount(trainableOnly: true), Is.EqualTo(total - StemShapes.Sum()));
        Assert.That(net.ParameterCount(), Is.EqualTo(total));
    }

    [Test]
    public void State_dict_round_trips_through_a_file_into_a_fresh_model()
    {
        using var scope = DisposeScope.Enter();
        var (x, labels) = Batch();
        using var source = Net(1);
        source.Forward((x, labels)); // moves the running statistics away from their initial values
        var path = Path.Combine(Path.GetTempPath(), $"srn-layers-{Guid.NewGuid():N}.safetensors");
        try
        {
            SafeTensors.Save(path, source.StateDict());
            using var target = Net(2);
            var differs = target.StateDict().Any(kv => !kv.Value.Eq(source.StateDict()[kv.Key]).All().Item<bool>());
            Assert.That(differs, Is.True, "two seeds give different models");

            var result = target.LoadStateDict(SafeTensors.Load(path));

            Assert.That(result.MissingKeys, Is.Empty);
            Assert.That(result.UnexpectedKeys, Is.Empty);
            AssertSameState(target, Snapshot(source), "loaded state");
            Assert.That(target.Stem[1] is BatchNorm2d { NumBatchesTracked: { } n } && n.Item<long>() == 1, Is.True);
            source.Eval();
            target.Eval();
            AssertEqual(target.Forward((x, labels)), source.Forward((x, labels)), "eval outputs");
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }

    [Test]
    public void Strict_load_lists_missing_unexpected_and_wrong_shape_keys_and_loads_nothing()
    {
        using var scope = DisposeScope.Enter();
        using var source = Net(1);
        using var target = Net(2);
        var before = Snapshot(target);
        var checkpoint = source.StateDict();
        checkpoint.Remove("norm.bias");
        checkpoint["heads.2.weight"] = Tensor.Zeros([2, 4]);
        checkpoint["gru.weight_ih"] = Tensor.Zeros([6, 4]);

        var e = Assert.Throws<StateDictMismatchException>(() => target.LoadStateDict(checkpoint))!;

        Assert.Multiple(() =>
        {
            Assert.That(e.MissingKeys, Is.EqualTo(new[] { "norm.bias" }));
            Assert.That(e.UnexpectedKeys, Is.EqualTo(new[] { "heads.2.weight" }));
            Assert.That(e.WrongShapeKeys, Has.Count.EqualTo(1));
            Assert.That(e.WrongShapeKeys[0], Does.StartWith("gru.weight_ih").And.Contain("[6, 4]").And.Contain("[12, 4]"));
            Assert.That(e.Message, Does.Contain("TinyNet").And.Contain("nothing was loaded").And.Contain("norm.bias")
                .And.Contain("heads.2.weight").And.Contain("gru.weight_ih"));
        });
        AssertSameState(target, before, "after a failed strict load");

        // A wrong shape fails even when not strict, still loading nothing.
        Assert.Throws<StateDictMismatchException>(() => target.LoadStateDict(checkpoint, strict: false));
        AssertSameState(target, before, "after a failed non-strict load");
    }

    [Test]
    public void Non_strict_load_reports_missing_and_unexpected_keys_and_loads_the_rest()
    {
        using var scope = DisposeScope.Enter();
        using var source = Net(1);
        using var target = Net(2);
        var normBias = target.Norm.Bias!.Clone();
        var checkpoint = source.StateDict();
        checkpoint.Remove("norm.bias");
        checkpoint["extra"] = Tensor.Zeros([1]);

        var result = target.LoadStateDict(checkpoint, strict: false);

        Assert.That(result.MissingKeys, Is.EqualTo(new[] { "norm.bias" }));
        Assert.That(result.UnexpectedKeys, Is.EqualTo(new[] { "extra" }));
        AssertEqual(target.Embed.Weight, source.Embed.Weight, "embed.weight loaded");
        AssertEqual(target.Heads[1].Weight, source.Heads[1].Weight, "heads.1.weight loaded");
        AssertEqual(target.Norm.Bias!, normBias, "norm.bias kept");
    }

    [Test]
    public void A_checkpoint_without_num_batches_tracked_loads_strictly_and_keeps_the_counter()
    {
        using var scope = DisposeScope.Enter();
        using var source = Net(1);
        using var target = Net(2);
        var checkpoint = source.StateDict();
        checkpoint.Remove("stem.1.num_batches_tracked");
        var result = target.LoadStateDict(checkpoint);
        Assert.That(result.MissingKeys, Is.Empty);
        AssertEqual(target.Gru.WeightHh, source.Gru.WeightHh, "gru.weight_hh loaded");
    }

    [Test]
    public void Train_and_eval_reach_every_descendant()
    {
        using var scope = DisposeScope.Enter();
        using var net = Net(3);
        Assert.That(net.Modules().All(m => m.Training), Is.True, "modules start in training mode");
        net.Eval();
        Assert.That(net.Modules().Select(m => m.Training), Is.All.False);
        var x = Tensor.Randn([8, 8]);
        AssertEqual(net.Drop.Forward(x), x, "dropout in eval mode is the identity");
        net.Train();
        Assert.That(net.Modules().Select(m => m.Training), Is.All.True);
        Assert.That(net.Drop.Forward(x).Eq(0.0).Any().Item<bool>(), Is.True, "dropout in training mode zeroes some of 64 elements");

        net.Heads.Train(false);
        Assert.Multiple(() =>
        {
            Assert.That(net.Training, Is.True);
            Assert.That(net.Heads[0].Training, Is.False);
            Assert.That(net.Stem[1].Training, Is.True);
        });
    }

    [Test]
    public void RequiresGrad_false_freezes_a_subtree()
    {
        using var scope = DisposeScope.Enter();
        using var net = Net(4);
        net.Stem.RequiresGrad(false);
        var (x, labels) = Batch();
        net.Forward((x, labels)).Sum().Backward();

        foreach (var (name, p) in net.NamedParameters())
        {
            var frozen = name.StartsWith("stem.", StringComparison.Ordinal);
            Assert.That(p.RequiresGrad, Is.EqualTo(!frozen), name);
            Assert.That(p.Grad is null, Is.EqualTo(frozen), $"{name}: gradient");
        }

        net.RequiresGrad(false);
        Assert.That(net.ParameterCount(trainableOnly: true), Is.Zero);
        net.RequiresGrad();
        Assert.That(net.Parameters().All(p => p.RequiresGrad), Is.True);
    }

    [Test]
    public void To_float64_converts_floating_state_in_place_but_not_num_batches_tracked()
    {
        using var scope = DisposeScope.Enter();
        using var net = Net(5);
        var weight = net.Heads[0].Weight;
        var (x, labels) = Batch();
        net.Forward((x, labels)).Sum().Backward();

        net.To(ScalarType.Float64);

        Assert.Multiple(() =>
        {
            foreach (var (name, p) in net.NamedParameters())
            {
                Assert.That(p.DType, Is.EqualTo(ScalarType.Float64), name);
                Assert.That(p.Grad!.DType, Is.EqualTo(ScalarType.Float64), $"{name}: gradient");
            }

            foreach (var (name, b) in net.NamedBuffers())
            {
                Assert.That(b.DType, Is.EqualTo(name.EndsWith("num_batches_tracked", StringComparison.Ordinal) ? ScalarType.Int64 : ScalarType.Float64), name);
            }

            Assert.That(net.Heads[0].Weight, Is.SameAs(weight), "the parameter object is kept");
            Assert.That(net.Forward((x.To(ScalarType.Float64), labels)).DType, Is.EqualTo(ScalarType.Float64));
        });
        Assert.Throws<ArgumentException>(() => net.To(ScalarType.Int32));
    }

    [Test]
    public void Forward_hooks_see_input_and_output_and_can_be_removed()
    {
        using var scope = DisposeScope.Enter();
        using var linear = new Linear(3, 2);
        var calls = new List<string>();
        Tensor? seenInput = null, seenOutput = null;
        Module? seenModule = null;
        var first = linear.RegisterForwardHook((m, input, output) =>
        {
            calls.Add("first");
            (seenModule, seenInput, seenOutput) = (m, input, output);
        });
        using var second = linear.RegisterForwardHook((_, _, _) => calls.Add("second"));
        var x = Tensor.Randn([4, 3]);

        var y = linear.Forward(x);

        Assert.That(calls, Is.EqualTo(new[] { "first", "second" }));
        Assert.That(seenModule, Is.SameAs(linear));
        Assert.That(seenInput, Is.SameAs(x));
        Assert.That(seenOutput, Is.SameAs(y));

        first.Dispose();
        first.Dispose();
        linear.Forward(x);
        Assert.That(calls, Is.EqualTo(new[] { "first", "second", "second" }));

        // Hooks on children fire inside the parent's forward: the GRU cell runs twice per TinyNet step.
        using var net = Net(6);
        var steps = 0;
        using (net.Gru.RegisterForwardHook((_, input, output) =>
        {
            Assert.That(output.Shape, Is.EqualTo(input.Input.Shape));
            steps++;
        }))
        {
            net.Forward(Batch());
        }

        net.Forward(Batch());
        Assert.That(steps, Is.EqualTo(2));
    }

    [Test]
    public void Dispose_frees_every_handle_of_the_tree()
    {
        // Settled: what earlier tests left unreachable is finalized first, so that nothing but this test moves the count.
        var baseline = LiveTensors.Settled();
        var net = Net(7);
        using (var scope = DisposeScope.Enter())
        {
            net.Forward(Batch()).Sum().Backward();
            _ = net.StateDict();
        }

        Assert.That(LiveTensors.Settled(), Is.GreaterThan(baseline));
        var parameters = net.Parameters().ToList();
        net.Dispose();

        Assert.Multiple(() =>
        {
            Assert.That(LiveTensors.Settled(), Is.EqualTo(baseline));
            Assert.That(net.Modules().Select(m => m.IsDisposed), Is.All.True);
            Assert.That(parameters.Select(p => p.IsDisposed), Is.All.True);
        });
        net.Dispose();
    }

    [Test]
    public void ModuleList_names_children_by_position()
    {
        using var scope = DisposeScope.Enter();
        var a = new Linear(4, 2);
        var b = new Linear(2, 2, bias: false);
        var c = new Linear(2, 1);
        using var list = new ModuleList<Linear>(a, b);
        list.Add(c);

        Assert.Multiple(() =>
        {
            Assert.That(list, Has.Count.EqualTo(3));
            Assert.That(list[1], Is.SameAs(b));
            Assert.That(list[^1], Is.SameAs(c));
            Assert.That(list.ToList(), Is.EqualTo(new[] { a, b, c }));
            Assert.That(list.NamedChildren().Select(n => n.Name), Is.EqualTo(new[] { "0", "1", "2" }));
            Assert.That(list.NamedParameters().Select(n => n.Name), Is.EqualTo(new[] { "0.weight", "0.bias", "1.weight", "2.weight", "2.bias" }));
            Assert.That(() => list[3], Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => list.Add(null!), Throws.ArgumentNullException);
        });

        var mixed = new ModuleList(new ReLU(), new Linear(1, 1));
        mixed.AddRange([new Sigmoid(), new ModuleList<Tanh>(new Tanh())]);
        Assert.That(mixed.NamedModules().Select(m => m.Name), Is.EqualTo(new[] { string.Empty, "0", "1", "2", "3", "3.0" }));
        mixed.Dispose();
        Assert.That(mixed[1].IsDisposed, Is.True, "disposing the list disposes its children");
    }

    [Test]
    public void A_module_listed_twice_counts_its_parameters_once()
    {
        using var shared = new Linear(3, 3);
        using var list = new ModuleList<Linear>(shared, shared);
        Assert.That(list.ParameterCount(), Is.EqualTo(12));
        Assert.That(list.NamedParameters().Select(p => p.Name), Is.EqualTo(new[] { "0.weight", "0.bias" }));
    }

    [Test]
    public void Embedding_padding_row_is_zero_and_bad_indices_are_reported()
    {
        using var scope = DisposeScope.Enter();
        using var emb = new Embedding(5, 3, paddingIdx: -2);
        Assert.That(emb.PaddingIdx, Is.EqualTo(3));
        Assert.That(emb.Weight.Narrow(0, 3, 1).Abs().Sum().Item<float>(), Is.Zero);
        Assert.That(emb.Weight.Narrow(0, 2, 1).Abs().Sum().Item<float>(), Is.Positive);
        Assert.That(emb.Forward(Tensor.FromArray(new[] { 1, 4 })).Shape, Is.EqualTo(new long[] { 2, 3 }), "int32 indices");

        Assert.Throws<ArgumentException>(() => emb.Forward(Tensor.FromArray(new[] { 1.0f })));
        Assert.Throws<TorchException>(() => emb.Forward(Tensor.FromArray(new long[] { 5 })));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new Embedding(5, 3, paddingIdx: 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new Embedding(5, 3, paddingIdx: -6));
    }

    [Test]
    public void GRUCell_checks_shapes_and_defaults_the_hidden_state_to_zeros()
    {
        using var scope = DisposeScope.Enter();
        using var cell = new GRUCell(3, 2);
        var x = Tensor.Randn([4, 3]);
        AssertEqual(cell.Forward((x, null)), cell.Forward((x, Tensor.Zeros([4, 2]))), "default hidden");
        Assert.That(cell.NamedParameters().Select(p => p.Name), Is.EqualTo(new[] { "weight_ih", "weight_hh", "bias_ih", "bias_hh" }));

        var e = Assert.Throws<ArgumentException>(() => cell.Forward((Tensor.Randn([2, 4, 3]), null)))!;
        Assert.That(e.Message, Does.Contain("1-D or 2-D").And.Contain("[2, 4, 3]"));
        e = Assert.Throws<ArgumentException>(() => cell.Forward((Tensor.Randn([4, 5]), null)))!;
        Assert.That(e.Message, Does.Contain("5 features").And.Contain("expects 3"));
        e = Assert.Throws<ArgumentException>(() => cell.Forward((x, Tensor.Zeros([3, 2]))))!;
        Assert.That(e.Message, Does.Contain("[3, 2]").And.Contain("expected [4, 2]"));
    }

    [Test]
    public void Layer_arguments_are_checked()
    {
        using var scope = DisposeScope.Enter();
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new Dropout(1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new Dropout(double.NaN));
        Assert.Throws<ArgumentException>(() => _ = new LayerNorm(Array.Empty<long>()));
        using var norm = new LayerNorm([4, 5]);
        Assert.That(norm.NormalizedShape, Is.EqualTo(new long[] { 4, 5 }));
        Assert.Throws<TorchException>(() => norm.Forward(Tensor.Randn([2, 5, 4])));
    }

    [Test]
    public void Identity_returns_a_new_handle_on_the_same_tensor()
    {
        using var scope = DisposeScope.Enter();
        using var id = new Identity();
        var x = Tensor.Randn([2, 2]);
        var y = id.Forward(x);
        Assert.That(y, Is.Not.SameAs(x));
        y.Dispose();
        Assert.That(x.IsDisposed, Is.False);
        x.Add_(1.0);
        AssertEqual(id.Forward(x), x, "identity");
    }
}
