using Srn.Experiments;
using Srn.Models;
using Srn.Tests.TestSupport;
using Srn.Torch;
using Srn.Torch.IO;
using Srn.Training;
using Srn.Training.Methods;

namespace Srn.Tests.Experiments;

/// <summary><c>srn pretrain</c> writes backbone weights under torchvision's names that <c>--backbone-weights</c> loads.</summary>
[TestFixture]
[NonParallelizable]
public sealed class PretrainCommandTests
{
    [Test]
    public void Pretrained_weights_have_the_backbones_keys_and_load_as_backbone_weights()
    {
        var dir = Directory.CreateTempSubdirectory("srn-pretrain-").FullName;
        try
        {
            var weights = Path.Combine(dir, "w", "resnet-small.safetensors");
            var (code, output, error) = CommandRun.Invoke(
                [PretrainCommand.Create()],
                "pretrain", "--epochs", "1", "--items", "40", "--held-out", "20", "--image-size", "56", "--batch-size", "8", "--workers", "0", "--out", weights);
            Assert.That(code, Is.EqualTo(0), error);
            Assert.That(output, Does.Contain("held-out top-1"));

            var (tensors, metadata) = SafeTensors.Read(weights);
            using var reference = ModelRegistry.Create("resnet-small", 10);
            var expected = reference.StateDict();
            try
            {
                Assert.That(tensors.Keys.Order(StringComparer.Ordinal), Is.EqualTo(expected.Keys.Order(StringComparer.Ordinal)));
                Assert.That(tensors["fc.weight"].Shape, Is.EqualTo(new long[] { 10, reference.NumFeatures }));
                Assert.That(metadata["items"], Is.EqualTo("40"));
                Assert.That(metadata["image_size"], Is.EqualTo("56"));
                Assert.That(metadata["srn_pretrain"], Does.Contain("training items"));

                // A 3-class method starts from them: the backbone is the pretrained one, the classifier fresh.
                using var student = Backbones.Create(new MethodSetup
                {
                    Method = "resnet", Backbone = "resnet-small", ClassNames = ["a", "b", "c"], ImageSize = 56, Epochs = 1, Seed = 1, BackboneWeights = weights,
                });
                using var loaded = student.StateDict()["conv1.weight"];
                Assert.That(loaded.ToArray<float>(), Is.EqualTo(tensors["conv1.weight"].ToArray<float>()));
            }
            finally
            {
                foreach (var t in tensors.Values.Concat(expected.Values))
                {
                    t.Dispose();
                }
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void Weights_not_named_safetensors_are_refused_in_one_line()
    {
        var (code, _, error) = CommandRun.Invoke([PretrainCommand.Create()], "pretrain", "--out", "/tmp/w.pth");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(error.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(error, Does.Contain("*.safetensors"));
    }
}
