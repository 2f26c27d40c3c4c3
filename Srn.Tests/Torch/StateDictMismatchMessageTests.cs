using Srn.Torch;
using Srn.Torch.NN;

namespace Srn.Tests.Torch;

/// <summary>StateDictMismatchException: a one-line message with the first few keys of each kind and their counts, catchable as an IOException.</summary>
[TestFixture]
public sealed class StateDictMismatchMessageTests
{
    [Test]
    public void The_message_is_one_line_naming_the_first_keys_and_counting_the_rest()
    {
        var missing = Enumerable.Range(0, 12).Select(i => $"layer{i}.weight").ToList();
        var e = new StateDictMismatchException("ResNet", missing, ["extra.bias"], ["fc.weight: checkpoint has [10, 4], the model [20, 4]"]);
        Assert.That(e.Message, Does.Not.Contain('\n').And.Not.Contain('\r'));
        Assert.That(e.Message, Does.Contain("ResNet").And.Contain("nothing was loaded"));
        Assert.That(e.Message, Does.Contain("12 missing keys (layer0.weight, layer1.weight, layer2.weight, layer3.weight, layer4.weight, and 7 more)"));
        Assert.That(e.Message, Does.Not.Contain("layer5.weight"));
        Assert.That(e.Message, Does.Contain("1 unexpected key (extra.bias)"));
        Assert.That(e.Message, Does.Contain("1 wrong shape key (fc.weight: checkpoint has [10, 4], the model [20, 4])"));
        Assert.That(e.MissingKeys, Has.Count.EqualTo(12));
    }

    [Test]
    public void A_load_that_does_not_fit_is_an_io_exception_with_a_one_line_message()
    {
        using var scope = DisposeScope.Enter();
        using var model = new Linear(4, 2);
        var state = model.StateDict();
        state["weight"] = Tensor.Zeros([3, 4]);
        state["surplus"] = Tensor.Zeros([1]);
        IOException e = Assert.Throws<StateDictMismatchException>(() => model.LoadStateDict(state))!;
        Assert.That(e.Message, Does.Not.Contain('\n'));
        Assert.That(e.Message, Does.Contain("surplus").And.Contain("weight"));
    }
}
