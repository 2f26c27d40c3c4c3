using System.Runtime.InteropServices;

namespace Srn.Tests.TestSupport;

/// <summary>
/// A test that kills its own test host, so that <c>.ci/check-test-summary.sh</c> can check that
/// <c>./srn test</c> reports an aborted run as a failure and names the test that was running.
/// It only crashes when <c>SRN_TEST_CRASH=1</c>; in every ordinary run it is skipped.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed partial class TestHostCrashTests
{
    /// <summary>The variable that arms the crash.</summary>
    public const string Variable = "SRN_TEST_CRASH";

    [Test]
    public void Crashes_the_test_host_with_SIGFPE_when_asked()
    {
        if (Environment.GetEnvironmentVariable(Variable) != "1")
        {
            Assert.Ignore($"kills the test host on purpose; runs only with {Variable}=1 (.ci/check-test-summary.sh sets it)");
        }

        // What issue 20's run died of: an integer division by zero in native code, which raises
        // SIGFPE outside managed code, where the runtime cannot turn it into an exception.
        // (A SIGFPE sent with kill(2) is not enough: the runtime survives it.) The pause lets the
        // test host tell vstest's blame collector that this test started: a crash in the first
        // second of a run can beat that message, and then the blame sequence file is not written.
        Thread.Sleep(TimeSpan.FromSeconds(2));
        var never = NativeDivide(1, 0);
        TestContext.Out.WriteLine(never.Quotient);
        Assert.Fail("the test host survived SIGFPE");
    }

    /// <summary>glibc's <c>div(3)</c>: <c>numerator / denominator</c> with a hardware integer division.</summary>
    [LibraryImport("libc.so.6", EntryPoint = "div")]
    private static partial DivResult NativeDivide(int numerator, int denominator);

    [StructLayout(LayoutKind.Sequential)]
    private readonly struct DivResult
    {
        public readonly int Quotient;
        public readonly int Remainder;
    }

    [Test]
    public void A_passing_neighbour_runs_first() => Assert.That(Environment.ProcessId, Is.GreaterThan(0));
}
