using Srn.Torch;

namespace Srn.Tests.Torch;

/// <summary>
/// The shim raises glibc's mmap/trim thresholds on load (Native/src/library.cpp): without it, this .NET host took 3x
/// the page faults of a Python process on the same training step and ran 1.3-1.9x slower (benchmarks/README.md).
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
