using Srn.Torch;

namespace Srn.Tests.Fixtures;

/// <summary>
/// The plumbing every parity test class shares: it loads one fixture, replays a case with the C# op of
/// the same name, and checks that the C# op table and the fixture's cases are the same set. A derived
/// class supplies the table and a static case source:
/// <code>
/// private static IEnumerable&lt;string&gt; Cases() =&gt; ParityFixture.CaseNames(File);
/// [TestCaseSource(nameof(Cases))] public void Matches_PyTorch(string name) =&gt; Check(name);
/// </code>
/// </summary>
public abstract class ParityTestsBase
{
    private ParityFixture? fixture;

    /// <summary>The fixture file under Fixtures/.</summary>
    protected abstract string FixtureFile { get; }

    /// <summary>The C# twin of every case of the fixture script, by name.</summary>
    protected abstract IReadOnlyDictionary<string, Func<Tensor[], Tensor[]>> Ops { get; }

    /// <summary>The loaded fixture.</summary>
    protected ParityFixture Fixture => fixture ??= new ParityFixture(FixtureFile);

    [OneTimeTearDown]
    public void UnloadFixture()
    {
        fixture?.Dispose();
        fixture = null;
    }

    [Test]
    public void Every_op_has_a_fixture_case_and_every_case_an_op()
    {
        Assert.That(Ops.Keys.Order(StringComparer.Ordinal), Is.EqualTo(Fixture.Cases.Order(StringComparer.Ordinal)));
        Assert.That(Fixture.Cases, Is.Unique);
    }

    /// <summary>Replays one case.</summary>
    /// <param name="name">The case.</param>
    protected void Check(string name)
    {
        Assert.That(Ops.ContainsKey(name), Is.True, $"no C# op for fixture case '{name}'");
        Fixture.Check(name, Ops[name]);
    }
}
