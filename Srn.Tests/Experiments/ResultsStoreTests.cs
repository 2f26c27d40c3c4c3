using System.Globalization;
using Srn.Data;
using Srn.Experiments.Results;

namespace Srn.Tests.Experiments;

/// <summary>results.csv and per_class_ap.csv: columns, round trip, replacing a run's rows, and the errors of malformed files.</summary>
[TestFixture]
public sealed class ResultsStoreTests
{
    private string dir = null!;

    [SetUp]
    public void MakeDir() => dir = Directory.CreateTempSubdirectory("srn-results-").FullName;

    [TearDown]
    public void RemoveDir() => Directory.Delete(dir, recursive: true);

    [Test]
    public void The_header_is_exactly_the_specified_columns()
    {
        var store = new ResultsStore(dir);
        store.AddRun([ResultRows.Make("dsrb", 0.1, 0, 41.5)], ResultRows.PerClass("dsrb-p0.1-s0", 1, 50, null));
        Assert.That(File.ReadAllLines(store.ResultsPath)[0], Is.EqualTo(
            "run_id,dataset,method,backbone,image_size,proportion,seed,epoch,map,map_noninterp,cp,cr,cf1,op,or_,of1,cp3,cr3,cf1_3,op3,or3,of1_3,train_loss,seconds,device," +
            "epochs,batch_size,protocol,mask_seed,train_limit,test_limit,augment,options,identity_hash"));
        Assert.That(File.ReadAllLines(store.PerClassApPath), Is.EqualTo(new[] { "run_id,epoch,class,ap", "dsrb-p0.1-s0,1,class 0,50", "dsrb-p0.1-s0,1,class 1," }));
    }

    [Test]
    public void Rows_round_trip_with_six_decimals_and_invariant_culture()
    {
        var before = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE"); // a comma decimal separator must not leak in
            var store = new ResultsStore(dir);
            var row = ResultRows.Make("dsrb", 0.3, 2, 41.123456789, epoch: 3, runId: "a,\"quoted\" run") with { Device = "cuda:0", OF1 = double.NaN };
            store.AddRun([row], ResultRows.PerClass(row.RunId, 3, 12.3456789, null));
            var line = File.ReadAllLines(store.ResultsPath)[1];
            Assert.That(line, Does.StartWith("\"a,\"\"quoted\"\" run\",fashion-scenes,dsrb,resnet-small,112,0.3,2,3,41.123457,40.623457,70.25,40.125,50,75,45.5,,"));
            Assert.That(line, Does.EndWith(",0.123456789,12.5,cuda:0,6,32,hcp,0,,,hcp,lr=0.1;loss=asl,abcd1234"));

            var back = store.ReadResults().Single();
            Assert.That(back, Is.EqualTo(row with { Map = 41.123457, MapNonInterp = 40.623457 }));
            Assert.That(store.ReadPerClassAp(), Is.EqualTo(new[] { new PerClassApRow(row.RunId, 3, "class 0", 12.345679), new PerClassApRow(row.RunId, 3, "class 1", null) }));
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }
    }

    [Test]
    public void Adding_a_run_again_replaces_its_rows_and_keeps_the_others_in_order()
    {
        var store = new ResultsStore(Path.Combine(dir, "nested", "out"));
        store.AddRun([ResultRows.Make("a", 0.1, 0, 10, epoch: 1), ResultRows.Make("a", 0.1, 0, 11, epoch: 2)], ResultRows.PerClass("a-p0.1-s0", 2, 1, 2));
        store.AddRun([ResultRows.Make("b", 0.1, 0, 20)], ResultRows.PerClass("b-p0.1-s0", 1, 3));
        store.AddRun([ResultRows.Make("a", 0.1, 0, 12, epoch: 1)], ResultRows.PerClass("a-p0.1-s0", 1, 4));

        var rows = store.ReadResults();
        Assert.That(rows.Select(r => (r.RunId, r.Epoch, r.Map)), Is.EqualTo(new[] { ("b-p0.1-s0", 1, 20.0), ("a-p0.1-s0", 1, 12.0) }));
        Assert.That(store.ReadPerClassAp().Select(r => (r.RunId, r.Ap)), Is.EqualTo(new[] { ("b-p0.1-s0", (double?)3), ("a-p0.1-s0", 4) }));
        Assert.That(store.FinishedRuns(), Is.EquivalentTo(new[] { "a-p0.1-s0", "b-p0.1-s0" }));
        Assert.That(Directory.GetFiles(store.Directory), Has.Length.EqualTo(2), "no temporary files are left behind");
    }

    [Test]
    public void A_missing_directory_reads_as_no_results()
    {
        var store = new ResultsStore(Path.Combine(dir, "none"));
        Assert.That(store.ReadResults(), Is.Empty);
        Assert.That(store.ReadPerClassAp(), Is.Empty);
        Assert.That(store.FinishedRuns(), Is.Empty);
    }

    [Test]
    public void Bad_runs_are_refused_before_anything_is_written()
    {
        var store = new ResultsStore(dir);
        Assert.That(() => store.AddRun([], []), Throws.ArgumentException.With.Message.Contains("at least one"));
        Assert.That(() => store.AddRun([ResultRows.Make("a", 0.1, 0, 1), ResultRows.Make("b", 0.1, 0, 1)], []),
            Throws.ArgumentException.With.Message.Contains("two runs").And.Message.Contains("b-p0.1-s0"));
        Assert.That(() => store.AddRun([ResultRows.Make("a", 0.1, 0, 1)], ResultRows.PerClass("other", 1, 5)),
            Throws.ArgumentException.With.Message.Contains("'other'"));
        Assert.That(() => store.AddRun([ResultRows.Make("a", 0.1, 0, 1), ResultRows.Make("a", 0.1, 0, 2)], []),
            Throws.ArgumentException.With.Message.Contains("epoch 1 appears twice"));
        Assert.That(() => store.AddRun([ResultRows.Make("a", 0.1, 0, 1), ResultRows.Make("a", 0.2, 0, 2, epoch: 2, runId: "a-p0.1-s0")], []),
            Throws.ArgumentException.With.Message.Contains("'proportion'"));
        Assert.That(() => store.AddRun([ResultRows.Make("a", 1.5, 0, 1)], []), Throws.ArgumentException.With.Message.Contains("proportion is 1.5"));
        Assert.That(() => store.AddRun([ResultRows.Make("a", 0.5, 0, 1) with { Device = "" }], []), Throws.ArgumentException.With.Message.Contains("device is empty"));
        Assert.That(() => store.AddRun([ResultRows.Make("a", 0.5, 0, 1) with { TrainLoss = double.PositiveInfinity }], []),
            Throws.ArgumentException.With.Message.Contains("train_loss is infinite"));
        Assert.That(Directory.GetFiles(dir), Is.Empty);
    }

    // Files of the first version (no setting columns) are still read: the cases use their shorter rows.
    private static readonly string Header = string.Join(",", ResultsCsv.LegacyHeaders[0]);
    private const string Good = "r1,ds,m,resnet-small,112,0.5,0,1,40,39,1,2,3,4,5,6,7,8,9,10,11,12,0.5,1.5,cpu";

    [TestCase("run_id,dataset\nr1,ds\n", 1, "the header is 'run_id,dataset'")]
    [TestCase("HEADER\n" + Good + "\nr2,ds,m,resnet-small,112,0.5,0,1,40,39,1,2,3,4,5,6,7,8,9,10,11,12,0.5,1.5\n", 3, "24 cells, expected 25")]
    [TestCase("HEADER\n" + Good + "\nr2,ds,m,resnet-small,112,0.5,0,1,4O,39,1,2,3,4,5,6,7,8,9,10,11,12,0.5,1.5,cpu\n", 3, "column 'map' is '4O', not a finite number")]
    [TestCase("HEADER\nr2,ds,m,resnet-small,112,1.5,0,1,40,39,1,2,3,4,5,6,7,8,9,10,11,12,0.5,1.5,cpu\n", 2, "column 'proportion' is '1.5'")]
    [TestCase("HEADER\nr2,ds,m,resnet-small,112,0.5,x,1,40,39,1,2,3,4,5,6,7,8,9,10,11,12,0.5,1.5,cpu\n", 2, "column 'seed' is 'x', not an integer")]
    [TestCase("HEADER\n,ds,m,resnet-small,112,0.5,0,1,40,39,1,2,3,4,5,6,7,8,9,10,11,12,0.5,1.5,cpu\n", 2, "column 'run_id' is empty")]
    [TestCase("HEADER\n" + Good + "\n" + Good + "\n", 3, "run 'r1' epoch 1 appears twice (lines 2 and 3)")]
    [TestCase("HEADER\n" + Good + "\nr1,ds,other,resnet-small,112,0.5,0,2,40,39,1,2,3,4,5,6,7,8,9,10,11,12,0.5,1.5,cpu\n", 3, "column 'method' of run 'r1' differs from its row on line 2")]
    [TestCase("HEADER\n" + Good + "\n\"r2,ds\"x,m\n", 3, "malformed CSV")]
    public void A_malformed_results_file_names_file_line_and_column(string content, int line, string message)
    {
        var path = Path.Combine(dir, "results.csv");
        File.WriteAllText(path, content.Replace("HEADER", Header, StringComparison.Ordinal));
        var e = Assert.Throws<DataFormatException>(() => new ResultsStore(dir).ReadResults())!;
        Assert.That(e.Message, Does.StartWith($"{path}:{line}:"));
        Assert.That(e.Message, Does.Contain(message));
    }

    [Test]
    public void An_empty_or_malformed_per_class_file_is_reported()
    {
        var path = Path.Combine(dir, "per_class_ap.csv");
        File.WriteAllText(path, string.Empty);
        Assert.That(() => new ResultsStore(dir).ReadPerClassAp(), Throws.TypeOf<DataFormatException>().With.Message.Contains("empty file"));
        File.WriteAllText(path, "run_id,epoch,class,ap\nr,1,c,5\nr,1,c,6\n");
        Assert.That(() => new ResultsStore(dir).ReadPerClassAp(), Throws.TypeOf<DataFormatException>().With.Message.Contains($"{path}:3:").And.Message.Contains("class 'c' of run 'r' epoch 1 appears twice"));
        File.WriteAllText(path, "run_id,epoch,class,ap\nr,-1,c,5\n");
        Assert.That(() => new ResultsStore(dir).ReadPerClassAp(), Throws.TypeOf<DataFormatException>().With.Message.Contains("column 'epoch' is -1"));
    }

    [Test]
    public void A_malformed_existing_file_stops_AddRun_and_is_left_untouched()
    {
        var path = Path.Combine(dir, "results.csv");
        File.WriteAllText(path, "garbage\n");
        Assert.That(() => new ResultsStore(dir).AddRun([ResultRows.Make("a", 0.1, 0, 1)], []), Throws.TypeOf<DataFormatException>());
        Assert.That(File.ReadAllText(path), Is.EqualTo("garbage\n"));
        Assert.That(File.Exists(Path.Combine(dir, "per_class_ap.csv")), Is.False);
    }
}
