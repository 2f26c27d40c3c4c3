using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Srn.Data;
using Srn.Experiments.Runs;
using Srn.PartialLabels.Masking;

namespace Srn.Experiments;

/// <summary>
/// <c>srn mask --manifest M.csv --protocol hcp --proportion 0.3 [--seed 0] --out masked.csv</c>: applies a masking
/// protocol of docs/partial-labels.md to a training manifest and writes the partial manifest (hidden labels are 0),
/// atomically. <c>--protocol file --file P.csv</c> checks a user's partial label file against the manifest instead and
/// writes it in the manifest's order. Prints the known-label share of each class. A manifest that lists an image twice is
/// refused (<see cref="Manifest.Read"/>), and so is a proportion that keeps no label.
/// </summary>
internal static class MaskCommand
{
    public static Command Create()
    {
        var manifestOption = new Option<string>("--manifest")
        {
            Description = "The training manifest with its full labels (header image,<class 1>,...; cells 1, -1 or 0).",
            Required = true,
        };
        var protocolOption = new Option<string>("--protocol")
        {
            Description = $"The masking protocol: {string.Join(", ", MaskingProtocols.Names)}.",
            DefaultValueFactory = _ => "hcp",
        };
        var proportionOption = new Option<double?>("--proportion")
        {
            Description = "The share of labels kept, in (0, 1]; required by hcp and per-image, not used by single-positive and file.",
        };
        var seedOption = new Option<long>("--seed")
        {
            Description = "The numpy RandomState seed, 0 to 4294967295 (the reference uses 0).",
            DefaultValueFactory = _ => LabelMasking.DefaultSeed,
        };
        var fileOption = new Option<string?>("--file")
        {
            Description = "For --protocol file: the partial label file (a manifest with 0 cells) to check and align to the manifest.",
        };
        var outOption = new Option<string>("--out")
        {
            Description = "The masked manifest to write (atomically; its directory is created).",
            Required = true,
        };
        var command = new Command("mask", "Hide labels of a training manifest with a masking protocol (hcp, per-image, single-positive) or a partial label file.")
        {
            manifestOption, protocolOption, proportionOption, seedOption, fileOption, outOption,
        };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            try
            {
                var request = new MaskRequest(
                    parse.GetValue(manifestOption)!,
                    MaskingProtocols.Parse(parse.GetValue(protocolOption)!),
                    parse.GetValue(proportionOption),
                    parse.GetValue(seedOption),
                    parse.GetValue(fileOption),
                    parse.GetValue(outOption)!);
                Run(request, output);
                return 0;
            }
            catch (Exception e)
            {
                return CommandGuard.Report(e, error);
            }
        });
        return command;
    }

    /// <summary>The parsed arguments.</summary>
    internal sealed record MaskRequest(string Manifest, MaskingProtocol Protocol, double? Proportion, long Seed, string? File, string Out);

    /// <summary>Checks the arguments, masks, writes the manifest and prints the known-label share per class.</summary>
    /// <param name="request">The arguments.</param>
    /// <param name="output">Where the summary goes.</param>
    /// <returns>The masked manifest.</returns>
    /// <exception cref="ArgumentException">An argument is missing, out of range, or given to a protocol that does not use it, or the proportion keeps no label.</exception>
    public static Manifest Run(MaskRequest request, TextWriter output)
    {
        var name = MaskingProtocols.NameOf(request.Protocol);
        var usesProportion = request.Protocol is MaskingProtocol.Hcp or MaskingProtocol.PerImage;
        if (usesProportion && request.Proportion is null)
        {
            throw new ArgumentException($"--proportion is required by the {name} protocol (the share of labels kept, in (0, 1]).");
        }

        if (request.Proportion is { } p && usesProportion)
        {
            LabelMasking.CheckProportion(p);
        }

        if (request.Seed is < 0 or > uint.MaxValue)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--seed must be between 0 and {uint.MaxValue} (a numpy RandomState seed); got {request.Seed}."));
        }

        if ((request.Protocol == MaskingProtocol.File) != (request.File is not null))
        {
            throw new ArgumentException(request.File is null
                ? "--protocol file needs --file, the partial label file."
                : $"--file is read by --protocol file only, not by {name}.");
        }

        var dataset = Manifest.Read(request.Manifest);
        var masked = LabelMasking.Apply(dataset, request.Protocol, request.Proportion ?? 1.0, (uint)request.Seed, request.File);
        if (usesProportion)
        {
            LabelMasks.CheckSomeKnown(Known(dataset), Known(masked), name, request.Proportion!.Value, request.Seed, request.Manifest);
        }
        masked.Write(request.Out);
        Print(output, request, dataset, masked, usesProportion);
        return masked;
    }

    private static void Print(TextWriter output, MaskRequest request, Manifest dataset, Manifest masked, bool usesProportion)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        var setting = request.Protocol switch
        {
            MaskingProtocol.File => $"file {request.File}",
            MaskingProtocol.SinglePositive => string.Create(CultureInfo.InvariantCulture, $"seed {request.Seed}"),
            _ => string.Create(CultureInfo.InvariantCulture, $"proportion {request.Proportion}, seed {request.Seed}"),
        };
        var (images, classes) = (masked.Count, masked.ClassCount);
        var known = masked.CountPerClass(1).Zip(masked.CountPerClass(-1), (a, b) => a + b).ToArray();
        var knownPositives = masked.CountPerClass(1);
        var positives = dataset.CountPerClass(1);
        var noneKnown = masked.Rows.Count(r => r.Labels.All(v => v == 0));
        var total = known.Sum();
        console.MarkupLine(Markup.Escape($"srn mask: protocol {MaskingProtocols.NameOf(request.Protocol)} ({setting}): {images:N0} images, {classes} classes; ")
            + Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"{Percent(total, (long)images * classes)} of the labels known ({total:N0}), {noneKnown:N0} images with no known label")));
        if (!usesProportion && request.Proportion is not null)
        {
            console.MarkupLine($"[yellow]--proportion is not used by the {MaskingProtocols.NameOf(request.Protocol)} protocol; ignored[/]");
        }

        var table = new Table().AddColumns("class", "known", "known %", "known positives", "positives");
        for (var c = 0; c < classes; c++)
        {
            table.AddRow(
                Markup.Escape(masked.Classes[c]),
                known[c].ToString("N0", CultureInfo.InvariantCulture),
                Percent(known[c], images),
                knownPositives[c].ToString("N0", CultureInfo.InvariantCulture),
                positives[c].ToString("N0", CultureInfo.InvariantCulture));
        }

        console.Write(table);
        console.MarkupLine($"wrote [green]{Markup.Escape(Path.GetFullPath(request.Out))}[/]");
    }

    private static long Known(Manifest m) => m.CountPerClass(1).Sum(x => (long)x) + m.CountPerClass(-1).Sum(x => (long)x);

    private static string Percent(long part, long whole) =>
        whole == 0 ? "-" : (100.0 * part / whole).ToString("F1", CultureInfo.InvariantCulture) + "%";
}
