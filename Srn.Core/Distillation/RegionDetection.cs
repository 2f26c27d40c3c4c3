using Srn.Vision;

namespace Srn.Distillation;

/// <summary>One proposal scored for one class by a weakly-supervised detector.</summary>
/// <param name="Box">The proposal in input pixels; <see cref="Box.Class"/> is the class it is scored for.</param>
/// <param name="Score">The region score <c>softmax_c(x_c) * softmax_r(x_d)</c> of that class.</param>
public sealed record RegionDetection(Box Box, float Score);
