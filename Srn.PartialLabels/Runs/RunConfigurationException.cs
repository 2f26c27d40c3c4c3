namespace Srn.PartialLabels.Runs;

/// <summary>
/// A setting of a run or sweep is wrong: an unknown name, a value out of range, settings that do not fit together. The
/// message names the setting (and the file and line when it came from one) and what to do; it is a usage error.
/// </summary>
public sealed class RunConfigurationException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">One line: the setting and what is wrong.</param>
    public RunConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">One line: the setting and what is wrong.</param>
    /// <param name="inner">The cause.</param>
    public RunConfigurationException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception.</summary>
    public RunConfigurationException()
    {
    }
}
