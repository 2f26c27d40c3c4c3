using Srn.Tests.Fixtures;
using Srn.Torch;
using Srn.Torch.IO;
using Srn.Torch.NN;

namespace Srn.Tests.PartialLabels;

/// <summary>
/// Reads a module fixture of Fixtures/PartialLabels (ssgrl.safetensors from make_ssgrl_fixtures.py by default,
/// transfer.safetensors from make_transfer_fixtures.py) and replays its cases.
/// </summary>
internal sealed class SsgrlFixture : IDisposable
{
    private readonly Dictionary<string, Tensor> tensors;
    private readonly string file;

    public SsgrlFixture(string file = "ssgrl.safetensors")
    {
        this.file = file;
        var path = Path.Combine(Path.GetDirectoryName(typeof(SsgrlFixture).Assembly.Location)!, "Fixtures", "PartialLabels", file);
        tensors = SafeTensors.Load(path);
    }

    public Tensor this[string key] => tensors.TryGetValue(key, out var t) ? t : throw new KeyNotFoundException($"{file} has no '{key}'");

    /// <summary>The entries under "prefix/" with the prefix removed.</summary>
    public Dictionary<string, Tensor> Group(string prefix) =>
        tensors.Where(kv => kv.Key.StartsWith(prefix + "/", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[(prefix.Length + 1)..], kv => kv.Value, StringComparer.Ordinal);

    /// <summary>The recorded inputs of a case, cloned, those with a recorded gradient requiring grad.</summary>
    public Dictionary<string, Tensor> Inputs(string name)
    {
        var grads = Group($"{name}/grad");
        return Group($"{name}/in").ToDictionary(kv => kv.Key, kv =>
        {
            var x = kv.Value.Clone();
            if (grads.ContainsKey(kv.Key))
            {
                x.RequiresGrad = true;
            }

            return x;
        });
    }

    /// <summary>
    /// Compares the outputs, back-propagates the recorded upstream gradients, and compares the gradients of the inputs and
    /// of every parameter of <paramref name="module"/> (by state-dict name).
    /// </summary>
    public void Check(string name, Module module, IReadOnlyDictionary<string, Tensor> inputs, IReadOnlyDictionary<string, Tensor> outputs, double rtol = 1e-4, double atol = 1e-5)
    {
        var expected = Group($"{name}/out");
        Assert.That(outputs.Keys.Order(), Is.EqualTo(expected.Keys.Order()), $"{name}: outputs");
        Tensor? total = null;
        foreach (var (key, output) in outputs)
        {
            ParityFixture.AssertClose(output, expected[key], rtol, atol, $"{name}: {key}");
            var term = (output * this[$"{name}/gout/{key}"]).Sum();
            total = total is null ? term : total + term;
        }

        total!.Backward();
        foreach (var (key, grad) in Group($"{name}/grad"))
        {
            ParityFixture.AssertClose(inputs[key].Grad!, grad, rtol, atol, $"{name}: gradient of {key}");
        }

        var parameters = module.NamedParameters().Where(p => p.Parameter.RequiresGrad).ToDictionary(p => p.Name, p => p.Parameter);
        var expectedGrads = Group($"{name}/pgrad");
        Assert.That(parameters.Keys.Order(), Is.EquivalentTo(expectedGrads.Keys.Order()), $"{name}: trainable parameters");
        foreach (var (key, grad) in expectedGrads)
        {
            ParityFixture.AssertClose(parameters[key].Grad!, grad, rtol, atol, $"{name}: gradient of parameter {key}");
        }
    }

    public void Dispose()
    {
        foreach (var t in tensors.Values)
        {
            t.Dispose();
        }
    }
}
