using System.CommandLine;

namespace Srn.Experiments;

/// <summary>The options every command that reads a trained checkpoint shares (<c>eval</c>, <c>predict</c>, <c>attention</c>).</summary>
internal static class CheckpointOptions
{
    /// <summary><c>--checkpoint C</c>, required.</summary>
    /// <param name="description">What kind of checkpoint the command takes.</param>
    /// <returns>The option.</returns>
    public static Option<string> Checkpoint(string description = "A checkpoint written by srn train or srn sweep.") =>
        new("--checkpoint") { Description = description, Required = true };

    /// <summary><c>--device</c>, <c>cpu</c> by default.</summary>
    /// <returns>The option.</returns>
    public static Option<string> Device() => new("--device") { Description = "cpu, cuda or cuda:N.", DefaultValueFactory = _ => "cpu" };
}
