using Srn.Torch;
using F = Srn.Torch.Functional;

namespace Srn.Tests.Torch;

/// <summary>Bad arguments to functional ops and losses raise managed exceptions with a clear message, never a native crash.</summary>
[TestFixture]
public sealed class FunctionalErrorTests
{
    private DisposeScope scope = null!;

    [SetUp]
    public void Enter() => scope = DisposeScope.Enter();

    [TearDown]
    public void Leave() => scope.Dispose();

    private static void ThrowsTorch(Func<object?> op, string fragment)
    {
        var e = Assert.Throws<TorchException>(() => op());
        Assert.That(e!.Message, Does.Contain(fragment).IgnoreCase, "libtorch's message is carried over");
    }

    private static Tensor Indices(params long[] values) => Tensor.FromArray(values);

    [Test]
    public void Conv2d_with_the_wrong_channel_count() =>
        ThrowsTorch(() => F.Conv2d(Tensor.Randn([1, 3, 8, 8]), Tensor.Randn([4, 2, 3, 3])), "channels");

    [Test]
    public void Conv2d_with_the_wrong_number_of_dimensions() =>
        ThrowsTorch(() => F.Conv2d(Tensor.Randn([8, 8]), Tensor.Randn([4, 1, 3, 3])), "4D");

    [Test]
    public void Conv2d_with_a_kernel_larger_than_the_input() =>
        ThrowsTorch(() => F.Conv2d(Tensor.Randn([1, 1, 2, 2]), Tensor.Randn([1, 1, 3, 3])), "kernel size can't be greater");

    [Test]
    public void Conv2d_with_groups_not_dividing_the_channels() =>
        ThrowsTorch(() => F.Conv2d(Tensor.Randn([1, 3, 5, 5]), Tensor.Randn([2, 1, 3, 3]), groups: 2), "group");

    [Test]
    public void Max_pool_with_a_kernel_larger_than_the_input() =>
        ThrowsTorch(() => F.MaxPool2d(Tensor.Randn([1, 1, 2, 2]), 3), "too small");

    [Test]
    public void Avg_pool_with_a_kernel_larger_than_the_input() =>
        ThrowsTorch(() => F.AvgPool2d(Tensor.Randn([1, 1, 2, 2]), (3, 1)), "too small");

    [Test]
    public void Max_pool_with_padding_over_half_the_kernel() =>
        ThrowsTorch(() => F.MaxPool2d(Tensor.Randn([1, 1, 6, 6]), 2, padding: 2), "pad should be");

    [Test]
    public void Adaptive_pool_of_a_2d_input() =>
        Assert.Throws<TorchException>(() => F.AdaptiveAvgPool2d(Tensor.Randn([5, 5]), 2));

    [Test]
    public void Avg_pool_with_a_zero_divisor() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => F.AvgPool2d(Tensor.Randn([1, 1, 4, 4]), 2, divisorOverride: 0));

    [Test]
    public void Batch_norm_with_one_value_per_channel_in_training() =>
        ThrowsTorch(() => F.BatchNorm(Tensor.Randn([1, 3]), null, null, training: true), "more than 1 value per channel");

    [Test]
    public void Batch_norm_with_running_stats_of_the_wrong_size() =>
        Assert.Throws<TorchException>(() => F.BatchNorm(Tensor.Randn([4, 3, 2, 2]), Tensor.Zeros([5]), Tensor.Ones([5]), training: true));

    [Test]
    public void Layer_norm_with_a_shape_that_does_not_match() =>
        ThrowsTorch(() => F.LayerNorm(Tensor.Randn([2, 3, 4]), [5]), "normalized_shape");

    [Test]
    public void Linear_with_mismatched_features() =>
        Assert.Throws<TorchException>(() => F.Linear(Tensor.Randn([2, 5]), Tensor.Randn([3, 4])));

    [Test]
    public void Dropout_probability_outside_0_1()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => F.Dropout(Tensor.Randn([3]), 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => F.Dropout(Tensor.Randn([3]), -0.1));
    }

    [Test]
    public void Interpolate_needs_exactly_one_of_size_and_scale()
    {
        var x = Tensor.Randn([1, 1, 4, 4]);
        Assert.Throws<ArgumentException>(() => F.Interpolate(x));
        Assert.Throws<ArgumentException>(() => F.Interpolate(x, size: 2, scaleFactor: 2));
    }

    [Test]
    public void Interpolate_align_corners_with_nearest() =>
        Assert.That(() => F.Interpolate(Tensor.Randn([1, 1, 4, 4]), size: 8, alignCorners: true),
            Throws.ArgumentException.With.Message.Contains("alignCorners"));

    [Test]
    public void Interpolate_of_a_3d_input() =>
        ThrowsTorch(() => F.Interpolate(Tensor.Randn([1, 4, 4]), size: 8, mode: InterpolationMode.Bilinear), "4-d input");

    [Test]
    public void Grid_sample_with_mismatched_batch() =>
        Assert.Throws<TorchException>(() => F.GridSample(Tensor.Randn([2, 1, 4, 4]), Tensor.Zeros([3, 2, 2, 2])));

    [Test]
    public void Grid_sample_with_an_unsupported_mode() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => F.GridSample(Tensor.Randn([1, 1, 4, 4]), Tensor.Zeros([1, 2, 2, 2]), InterpolationMode.Area));

    [Test]
    public void Pad_with_an_odd_number_of_values() =>
        Assert.Throws<ArgumentException>(() => F.Pad(Tensor.Randn([1, 1, 4, 4]), [1, 2, 3]));

    [Test]
    public void Reflect_pad_as_large_as_the_dimension() =>
        ThrowsTorch(() => F.Pad(Tensor.Randn([1, 1, 3, 3]), [3, 3, 0, 0], PaddingMode.Reflect), "padding size should be less than");

    [Test]
    public void Replicate_pad_with_too_few_values_for_a_4d_input() =>
        Assert.Throws<TorchException>(() => F.Pad(Tensor.Randn([1, 1, 3, 3]), [1, 1], PaddingMode.Replicate));

    [Test]
    public void Pad_value_with_a_non_constant_mode() =>
        Assert.Throws<ArgumentException>(() => F.Pad(Tensor.Randn([1, 1, 4, 4]), [1, 1], PaddingMode.Replicate, 2.0));

    [Test]
    public void Binary_cross_entropy_with_mismatched_shapes() =>
        ThrowsTorch(() => F.BinaryCrossEntropy(Tensor.Rand([4, 5]), Tensor.Rand([4, 1])), "must be the same as input size");

    [Test]
    public void Binary_cross_entropy_with_logits_with_mismatched_shapes() =>
        ThrowsTorch(() => F.BinaryCrossEntropyWithLogits(Tensor.Randn([4, 5]), Tensor.Rand([5])), "must be the same as input size");

    [Test]
    public void Binary_cross_entropy_with_an_input_outside_0_1() =>
        Assert.Throws<TorchException>(() => F.BinaryCrossEntropy(Tensor.Full([3], 1.5), Tensor.Zeros([3])));

    [Test]
    public void Cross_entropy_with_a_target_class_out_of_range() =>
        ThrowsTorch(() => F.CrossEntropy(Tensor.Randn([3, 4]), Indices(0, 4, 1)), "out of bounds");

    [Test]
    public void Cross_entropy_with_a_negative_target_class() =>
        ThrowsTorch(() => F.CrossEntropy(Tensor.Randn([3, 4]), Indices(0, -2, 1)), "out of bounds");

    [Test]
    public void Cross_entropy_with_a_wrong_batch_size() =>
        Assert.Throws<TorchException>(() => F.CrossEntropy(Tensor.Randn([3, 4]), Indices(0, 1)));

    [Test]
    public void Cross_entropy_with_label_smoothing_above_one() =>
        Assert.Throws<TorchException>(() => F.CrossEntropy(Tensor.Randn([3, 4]), Indices(0, 1, 2), labelSmoothing: 1.5));

    [Test]
    public void Mse_loss_with_shapes_that_do_not_broadcast() =>
        Assert.Throws<TorchException>(() => F.MseLoss(Tensor.Randn([4, 5]), Tensor.Randn([3])));

    [Test]
    public void Kl_div_with_an_unknown_reduction() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => F.KlDiv(Tensor.Randn([2, 3]), Tensor.Rand([2, 3]), (KlDivReduction)7));

    [Test]
    public void Loss_with_an_unknown_reduction() =>
        ThrowsTorch(() => F.MseLoss(Tensor.Randn([2]), Tensor.Randn([2]), (Reduction)5), "reduction");

    [Test]
    public void One_hot_with_a_negative_class() =>
        ThrowsTorch(() => F.OneHot(Indices(1, -1, 2)), "non-negative");

    [Test]
    public void One_hot_with_a_class_not_below_num_classes() =>
        ThrowsTorch(() => F.OneHot(Indices(1, 3), numClasses: 3), "smaller than num_classes");

    [Test]
    public void One_hot_of_a_float_tensor() =>
        Assert.Throws<TorchException>(() => F.OneHot(Tensor.Zeros([3])));

    [Test]
    public void Cosine_similarity_with_a_dimension_out_of_range() =>
        ThrowsTorch(() => F.CosineSimilarity(Tensor.Randn([2, 3]), Tensor.Randn([2, 3]), dim: 2), "out of range");

    [Test]
    public void Null_input_is_an_argument_null_exception() =>
        Assert.Throws<ArgumentNullException>(() => F.Linear(null!, Tensor.Randn([2, 2])));
}
