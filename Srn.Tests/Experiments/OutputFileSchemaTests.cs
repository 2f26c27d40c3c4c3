using System.CommandLine;
using System.Globalization;
using Srn.Data;
using Srn.Experiments;
using Srn.Experiments.Results;
using Srn.Experiments.Runs;
using Srn.Training;

namespace Srn.Tests.Experiments;

/// <summary>
/// The layout of the result files for tools such as pandas: numeric proportion columns, average rows marked in their own
/// column, no Python keyword as a column name, old files still read, metrics in [0, 100], and merge's notes.
/// </summary>
[TestFixture]
public sealed class OutputFileSchemaTests
{
    private static readonly HashSet<string> PythonKeywords =
    [
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif", "else", "except",
        "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try",
        "while", "with", "yield",
    ];

    private string dir = null!;

    [SetUp]
    public void MakeDir() => dir = Directory.CreateTempSubdirectory("srn-schema-").FullName;

    [TearDown]
    public void RemoveDir() => Directory.Delete(dir, recursive: true);

    private static (int Code, string Output, string Error) Merge(params string[] args) =>
        TestSupport.CommandRun.Invoke([MergeCommand.Create()], ["merge", .. args]);

    [Test]
    public void Summary_csv_has_a_numeric_proportion_column_a_row_kind_column_and_no_python_keyword_column()
    {
        ResultRow[] rows =
        [
            ResultRows.Make("partial-bce", 0.1, 0, 40), ResultRows.Make("partial-bce", 0.5, 0, 50),
            ResultRows.Make("dsrb", 0.1, 0, 43), ResultRows.Make("dsrb", 0.5, 0, 52),
        ];
        var store = new ResultsStore(dir);
        foreach (var r in rows)
        {
            store.AddRun([r], []);
        }

        ResultsReport.Write(dir, "partial-bce");
        var lines = File.ReadAllLines(Path.Combine(dir, SummaryCsv.FileName));
        var header = lines[0].Split(',');
        Assert.That(header.Where(PythonKeywords.Contains), Is.Empty, "a keyword column breaks DataFrame.query");
        var proportion = Array.IndexOf(header, "proportion");
        var kind = Array.IndexOf(header, "row_kind");
        Assert.That((proportion, kind), Is.Not.EqualTo((-1, -1)));
        var body = lines.Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.That(body, Has.Length.EqualTo(6));
        foreach (var cells in body)
        {
            Assert.That(cells[kind], Is.EqualTo("proportion").Or.EqualTo("average"));
            // pandas reads the column as float64 when every cell is a number or empty (NaN).
            Assert.That(cells[proportion].Length == 0 || double.TryParse(cells[proportion], NumberStyles.Float, CultureInfo.InvariantCulture, out _), Is.True, cells[proportion]);
            Assert.That(cells[proportion].Length == 0, Is.EqualTo(cells[kind] == "average"));
        }

        Assert.That(body.Count(c => c[proportion] == "0.1"), Is.EqualTo(2), "s[s.proportion == 0.1] finds both methods");
        Assert.That(body.Count(c => c[kind] == "average"), Is.EqualTo(2));
    }

    [Test]
    public void Results_and_epochs_files_name_overall_recall_or_underscore_and_old_files_with_or_are_read()
    {
        var store = new ResultsStore(dir);
        store.AddRun([ResultRows.Make("dsrb", 0.1, 0, 41.5)], []);
        var header = File.ReadAllLines(store.ResultsPath)[0].Split(',');
        Assert.That(header, Does.Contain("or_").And.Not.Contain("or"));
        Assert.That(header.Where(PythonKeywords.Contains), Is.Empty);

        var epochs = Path.Combine(dir, "epochs.csv");
        var metrics = new EpochMetrics(50, 49, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, []);
        EpochLog.WriteCsv(epochs, [new EpochResult(0, "main", 1, 0.5, 2, 3, "logits", metrics)]);
        var epochLines = File.ReadAllLines(epochs);
        Assert.That(epochLines[0].Split(','), Does.Contain("or_").And.Not.Contain("or"));
        Assert.That(epochLines[1].Split(',')[Array.IndexOf(epochLines[0].Split(','), "or_")], Is.EqualTo("5.0000"));
        Assert.That(File.ReadAllText(epochs), Does.Not.Contain("\r"));

        // A results.csv written before the rename (and before the setting columns) reads the same, its settings unknown.
        var old = Path.Combine(dir, "old");
        Directory.CreateDirectory(old);
        var oldLines = File.ReadAllLines(store.ResultsPath).Select(l => string.Join(',', l.Split(',').Take(25)).Replace(",or_,", ",or,", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(old, ResultsCsv.FileName), string.Join('\n', oldLines) + "\n");
        Assert.That(new ResultsStore(old).ReadResults(), Is.EqualTo(store.ReadResults().Select(r => r with { Settings = RunSettingCells.Unknown })));
    }

    [Test]
    public void Epochs_csv_has_a_teacher_map_column_last_filled_only_for_a_method_with_a_teacher_and_docs_list_every_column()
    {
        var epochs = Path.Combine(dir, "epochs.csv");
        var metrics = new EpochMetrics(50, 49, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, []);
        EpochLog.WriteCsv(epochs,
        [
            new EpochResult(0, "main", 1, 0.5, 2, 3, "logits", metrics),
            new EpochResult(0, "teacher", 1, 0.5, 2, 3, "student", metrics) { TeacherMap = 41.25 },
            new EpochResult(1, "feature", 2, 0.5, 2, 3, "student", null) { TeacherMap = double.NaN },
        ]);
        var lines = File.ReadAllLines(epochs).Select(l => l.Split(',')).ToArray();
        Assert.That(lines[0][^1], Is.EqualTo("teacher_map"));
        Assert.That(lines.Skip(1).Select(c => c.Length), Has.All.EqualTo(lines[0].Length));
        Assert.That(lines.Skip(1).Select(c => c[^1]), Is.EqualTo(new[] { string.Empty, "41.2500", string.Empty }), "empty without a teacher or a number");
        Assert.That(EpochLog.Line(new EpochResult(0, "teacher", 1, 0.5, 2, 3, "student", metrics) { TeacherMap = 41.25 }, 7), Does.EndWith("teacher mAP 41.25"));
        Assert.That(EpochLog.Line(new EpochResult(0, "main", 1, 0.5, 2, 3, "logits", metrics), 7), Does.Not.Contain("teacher"));

        // docs/experiments.md states the header exactly.
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Srn.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new DirectoryNotFoundException("Srn.sln not found above the test binaries.");
        }

        var docs = File.ReadAllText(Path.Combine(root, "docs", "experiments.md"));
        Assert.That(docs, Does.Contain($"(and `srn train --out DIR`): `{EpochLog.CsvHeader}`"));
    }

    [Test]
    public void Old_summary_files_with_avg_rows_still_give_their_baseline_to_merge()
    {
        var shard = Path.Combine(dir, "shard");
        new ResultsStore(shard).AddRun([ResultRows.Make("partial-bce", 0.1, 0, 40)], ResultRows.PerClass("partial-bce-p0.1-s0", 1, 40));
        File.WriteAllText(Path.Combine(shard, SummaryCsv.FileName),
            "dataset,method,proportion,n_seeds,map_mean,map_std,map_ci95,cf1_mean,cf1_std,cf1_ci95,of1_mean,of1_std,of1_ci95,baseline,n_pairs,map_diff,p_value\n"
            + "fashion-scenes,partial-bce,0.1,1,40,,,50,,,60,,,partial-bce,,,\nfashion-scenes,partial-bce,avg,1,40,,,50,,,60,,,partial-bce,,,\n");
        Assert.That(SummaryCsv.ReadBaseline(Path.Combine(shard, SummaryCsv.FileName)), Is.EqualTo("partial-bce"));
    }

    [TestCase("map", "-5")]
    [TestCase("map", "250")]
    [TestCase("or_", "100.5")]
    [TestCase("of1_3", "-0.001")]
    public void Merge_refuses_a_results_file_with_a_metric_outside_0_to_100_naming_file_line_and_column(string column, string value)
    {
        var shard = Path.Combine(dir, "shard");
        Directory.CreateDirectory(shard);
        var cells = ResultsCsv.Cells(ResultRows.Make("dsrb", 0.1, 0, 41.5));
        cells[ResultsCsv.Columns.ToList().IndexOf(column)] = value;
        var path = Path.Combine(shard, ResultsCsv.FileName);
        File.WriteAllText(path, string.Join(',', ResultsCsv.Columns) + "\n" + string.Join(',', cells) + "\n");

        var e = Assert.Throws<DataFormatException>(() => ResultsCsv.Read(path))!;
        Assert.That(e.Message, Does.StartWith($"{path}:2:").And.Contain($"column '{column}' is '{value}', outside [0, 100]"));
        var (code, _, error) = Merge("--out", Path.Combine(dir, "merged"), shard);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain($"{path}:2:").And.Contain(column));
        Assert.That(Directory.Exists(Path.Combine(dir, "merged")) && Directory.EnumerateFiles(Path.Combine(dir, "merged")).Any(), Is.False, "nothing written");
    }

    [Test]
    public void Writing_a_metric_or_an_ap_outside_0_to_100_is_refused()
    {
        var store = new ResultsStore(dir);
        Assert.That(() => store.AddRun([ResultRows.Make("dsrb", 0.1, 0, 250)], []), Throws.ArgumentException.With.Message.Contains("map is 250, outside [0, 100]"));
        Assert.That(() => store.AddRun([ResultRows.Make("dsrb", 0.1, 0, 40)], ResultRows.PerClass("dsrb-p0.1-s0", 1, -5)),
            Throws.ArgumentException.With.Message.Contains("ap is -5, outside [0, 100]"));
        var perClass = Path.Combine(dir, PerClassApCsv.FileName);
        File.WriteAllText(perClass, "run_id,epoch,class,ap\nr,1,c,101\n");
        Assert.That(() => PerClassApCsv.Read(perClass), Throws.TypeOf<DataFormatException>().With.Message.StartsWith($"{perClass}:2:").And.Message.Contains("column 'ap' is '101', outside [0, 100]"));
    }

    [Test]
    public void Merge_notes_inputs_without_per_class_rows_and_writes_the_header_only_file()
    {
        var shard = Path.Combine(dir, "shard");
        new ResultsStore(shard).AddRun([ResultRows.Make("dsrb", 0.1, 0, 41.5)], []);
        var merged = Path.Combine(dir, "merged");
        var (code, output, error) = Merge("--out", merged, shard);
        Assert.That(code, Is.Zero, error);
        Assert.That(output, Does.Contain("note: the sources have no per-class AP rows: per_class_ap.csv is written with its header only"));
        Assert.That(File.ReadAllText(Path.Combine(merged, PerClassApCsv.FileName)), Is.EqualTo("run_id,epoch,class,ap\n"));
    }

    [Test]
    public void Result_files_quote_only_cells_that_need_it_and_end_lines_with_lf()
    {
        var store = new ResultsStore(dir);
        var row = ResultRows.Make("dsrb", 0.1, 0, 41.5, runId: "a,b \"c\"");
        store.AddRun([row], ResultRows.PerClass(row.RunId, 1, 40));
        var text = File.ReadAllText(store.ResultsPath);
        Assert.That(text, Does.Not.Contain("\r"));
        Assert.That(text.Split('\n')[1], Does.StartWith("\"a,b \"\"c\"\"\",fashion-scenes,dsrb,"));
        Assert.That(text.Split('\n')[1], Does.EndWith(",cpu,6,32,hcp,0,,,hcp,lr=0.1;loss=asl,abcd1234"));
        Assert.That(store.ReadResults().Single().RunId, Is.EqualTo(row.RunId));
    }
}
