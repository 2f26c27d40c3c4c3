using Srn.Torch;

namespace Srn.Tests.Torch;

/// <summary>
/// The shim tunes glibc's allocator on load (Native/src/library.cpp): without it, this .NET host took up to 10x the page
/// faults of a Python process on the same training step and ran slower (Native/README.md, benchmarks/README.md).
/// </summary>
[TestFixture]
public sealed class AllocationTests
{
    [Test]
    public void The_allocator_tuning_is_applied_at_load_unless_opted_out()
    {
        var optedOut = Environment.GetEnvironmentVariable("SRN_KEEP_MALLOC_DEFAULTS") is not null;
        Assert.That(LibTorch.AllocatorTuned, Is.EqualTo(!optedOut));
    }
}
