using Srn.Torch;

namespace Srn.Tests.TestSupport;

/// <summary>
/// The native live-tensor count for leak checks, read once the garbage collector has settled.
/// </summary>
/// <remarks>
/// <see cref="Tensor.LiveCount"/> also counts tensors that are unreachable but not yet finalized
/// (temporaries an earlier test never disposed). Their finalizers run whenever the GC gets to them,
/// so two plain reads around the code under test can differ by a few handles that have nothing to
/// do with it (a leak check once failed with 632 before and 629 after). Every before and after read
/// of a leak check goes through <see cref="Settled"/>.
/// </remarks>
public static class LiveTensors
{
    /// <summary>At most this many collections per read; the count is normally stable after two.</summary>
    public const int MaxRounds = 10;

    /// <summary>
    /// Collects and runs pending finalizers until two consecutive reads of
    /// <see cref="Tensor.LiveCount"/> agree (at most <see cref="MaxRounds"/> rounds), and returns that count.
    /// </summary>
    public static long Settled()
    {
        var previous = CollectAndCount();
        for (var round = 1; round < MaxRounds; round++)
        {
            var current = CollectAndCount();
            if (current == previous)
            {
                return current;
            }

            previous = current;
        }

        return previous;
    }

    private static long CollectAndCount()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return Tensor.LiveCount;
    }
}
