using Srn.Torch;
using Srn.Torch.IO;

namespace Srn.Tests.Fixtures;

/// <summary>
/// Replays the cases of a golden fixture written by a script beside it (see fixturelib.py for the layout):
/// feeds the recorded inputs to the C# op, compares its outputs, then back-propagates the recorded upstream
/// gradients and compares the input gradients.
/// </summary>
public sealed class ParityFixture : IDisposable
{
    private readonly Dictionary<string, Tensor> tensors;

    /// <summary>Loads a fixture from the test output's Fixtures folder.</summary>
    /// <param name="relativePath">Path under Fixtures/, e.g. "Torch/math.safetensors".</param>
    public ParityFixture(string relativePath)
    {
        Path = FullPath(relativePath);
        (tensors, var metadata) = SafeTensors.Read(Path);
        Cases = metadata.TryGetValue("cases", out var names) && names.Length > 0 ? names.Split(',') : [];
    }

    /// <summary>The fixture file.</summary>
    public string Path { get; }

    /// <summary>The case names in the order the script recorded them.</summary>
    public IReadOnlyList<string> Cases { get; }

    /// <summary>Case names of a fixture, for <c>TestCaseSource</c>.</summary>
    /// <param name="relativePath">Path under Fixtures/.</param>
    /// <returns>The case names.</returns>
    public static IEnumerable<string> CaseNames(string relativePath)
    {
        using var f = new ParityFixture(relativePath);
        return f.Cases.ToArray();
    }

    private static string FullPath(string relativePath) =>
        System.IO.Path.Combine(System.IO.Path.GetDirectoryName(typeof(ParityFixture).Assembly.Location)!, "Fixtures", relativePath);

    /// <summary>The recorded tensor with this full key (e.g. "add/in0").</summary>
    /// <param name="key">The key.</param>
    /// <returns>The tensor (owned by the fixture).</returns>
    public Tensor this[string key] => tensors.TryGetValue(key, out var t) ? t : throw new KeyNotFoundException($"{Path}: no tensor '{key}'");

    /// <summary>Runs one case and asserts outputs and gradients match within tolerance.</summary>
    /// <param name="name">The case.</param>
    /// <param name="op">The C# op: recorded inputs in, outputs out (one tensor or several).</param>
    /// <param name="rtol">Relative tolerance.</param>
    /// <param name="atol">Absolute tolerance.</param>
    public void Check(string name, Func<Tensor[], Tensor[]> op, double rtol = 1e-5, double atol = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(op);
        using var scope = DisposeScope.Enter();
        var inputs = new List<Tensor>();
        for (var i = 0; tensors.ContainsKey($"{name}/in{i}"); i++)
        {
            var x = this[$"{name}/in{i}"].Clone();
            if (tensors.ContainsKey($"{name}/grad{i}"))
            {
                x.RequiresGrad = true;
            }

            inputs.Add(x);
        }

        var outputs = op([.. inputs]);
        var expectedCount = 0;
        while (tensors.ContainsKey($"{name}/out{expectedCount}"))
        {
            expectedCount++;
        }

        Assert.That(outputs, Has.Length.EqualTo(expectedCount), $"{name}: number of outputs");
        for (var j = 0; j < outputs.Length; j++)
        {
            AssertClose(outputs[j], this[$"{name}/out{j}"], rtol, atol, $"{name}: output {j}");
        }

        var withGrad = Enumerable.Range(0, outputs.Length).Where(j => tensors.ContainsKey($"{name}/gout{j}")).ToArray();
        if (withGrad.Length == 0)
        {
            return;
        }

        // One backward over sum_j <out_j, gout_j> gives every input gradient at once.
        Tensor? total = null;
        foreach (var j in withGrad)
        {
            var term = (outputs[j] * this[$"{name}/gout{j}"]).Sum();
            total = total is null ? term : total + term;
        }

        total!.Backward();
        for (var i = 0; i < inputs.Count; i++)
        {
            if (!tensors.TryGetValue($"{name}/grad{i}", out var expectedGrad))
            {
                continue;
            }

            var grad = inputs[i].Grad;
            if (grad is null)
            {
                Assert.That(expectedGrad.Abs().Max().ToDoubleArray()[0], Is.EqualTo(0.0), $"{name}: input {i} got no gradient, PyTorch's is non-zero");
                continue;
            }

            AssertClose(grad, expectedGrad, rtol * 10, atol * 10, $"{name}: gradient of input {i}");
        }
    }

    /// <summary>Asserts same shape, same dtype, and values within <c>|a - e| &lt;= atol + rtol * |e|</c> (NaN equal to NaN).</summary>
    /// <param name="actual">The computed tensor.</param>
    /// <param name="expected">The reference.</param>
    /// <param name="rtol">Relative tolerance.</param>
    /// <param name="atol">Absolute tolerance.</param>
    /// <param name="what">What is compared, for the message.</param>
    public static void AssertClose(Tensor actual, Tensor expected, double rtol, double atol, string what)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(expected);
        Assert.That(actual.Shape, Is.EqualTo(expected.Shape), $"{what}: shape");
        Assert.That(actual.DType, Is.EqualTo(expected.DType), $"{what}: dtype");
        var a = actual.Detach().Cpu().ToDoubleArray();
        var e = expected.ToDoubleArray();
        for (var k = 0; k < a.Length; k++)
        {
            var ok = (double.IsNaN(a[k]) && double.IsNaN(e[k])) || a[k] == e[k] || Math.Abs(a[k] - e[k]) <= atol + (rtol * Math.Abs(e[k]));
            if (!ok)
            {
                Assert.Fail($"{what}: element {k} is {a[k]:R}, PyTorch gives {e[k]:R} (rtol {rtol}, atol {atol})");
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var t in tensors.Values)
        {
            t.Dispose();
        }
    }
}
