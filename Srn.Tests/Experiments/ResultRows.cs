using Srn.Experiments.Results;

namespace Srn.Tests.Experiments;

/// <summary>Small result rows for tests.</summary>
internal static class ResultRows
{
    public static ResultRow Make(string method, double proportion, int seed, double map, int epoch = 1, string dataset = "fashion-scenes",
        double cf1 = 50, double of1 = 60, string? runId = null, double seconds = 12.5) => new()
    {
        RunId = runId ?? $"{method}-p{proportion:0.##}-s{seed}",
        Dataset = dataset,
        Method = method,
        Backbone = "resnet-small",
        ImageSize = 112,
        Proportion = proportion,
        Seed = seed,
        Epoch = epoch,
        Map = map,
        MapNonInterp = map - 0.5,
        CP = 70.25,
        CR = 40.125,
        CF1 = cf1,
        OP = 75,
        OR = 45.5,
        OF1 = of1,
        Top3CP = 65,
        Top3CR = 55,
        Top3CF1 = 59.583333,
        Top3OP = 68,
        Top3OR = 58,
        Top3OF1 = 62.603175,
        TrainLoss = 0.123456789,
        Seconds = seconds,
        Device = "cpu",
        Settings = new RunSettingCells("6", "32", "hcp", "0", "", "", "hcp", "lr=0.1;loss=asl", "abcd1234"),
    };

    public static PerClassApRow[] PerClass(string runId, int epoch, params double?[] aps) =>
        aps.Select((ap, i) => new PerClassApRow(runId, epoch, $"class {i}", ap)).ToArray();
}
