namespace Srn.Torch.Optim;

/// <summary>The update shared by <see cref="Adam"/> (L2 weight decay) and <see cref="AdamW"/> (decoupled weight decay):
/// PyTorch 1.13's <c>_single_tensor_adam</c> and <c>_single_tensor_adamw</c>, operation for operation.</summary>
internal static class AdamAlgorithm
{
    internal const string ExpAvg = "exp_avg";
    internal const string ExpAvgSq = "exp_avg_sq";
    internal const string MaxExpAvgSq = "max_exp_avg_sq";

    internal static readonly string[] StateNames = [ExpAvg, ExpAvgSq, MaxExpAvgSq];
    internal static readonly string[] RequiredNames = [ExpAvg, ExpAvgSq];

    internal static Dictionary<string, double> Defaults(double lr, (double Beta1, double Beta2)? betas, double eps, double weightDecay, bool amsgrad, bool maximize)
    {
        var (beta1, beta2) = betas ?? (0.9, 0.999);
        var d = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["lr"] = lr,
            ["beta1"] = beta1,
            ["beta2"] = beta2,
            ["eps"] = eps,
            ["weight_decay"] = weightDecay,
            ["amsgrad"] = amsgrad ? 1 : 0,
            ["maximize"] = maximize ? 1 : 0,
        };
        Optimizer.CheckOptions(d);
        return d;
    }

    internal static void Update(ParamGroup group, Tensor parameter, Tensor grad, ParamState state, bool decoupledWeightDecay)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(parameter);
        ArgumentNullException.ThrowIfNull(grad);
        ArgumentNullException.ThrowIfNull(state);
        var (beta1, beta2) = group.Betas;
        var lr = group.Lr;
        var weightDecay = group.WeightDecay;
        var amsgrad = group.AmsGrad;
        if (state.IsEmpty)
        {
            state.Step = 0;
            state.Set(ExpAvg, parameter.ZerosLike());
            state.Set(ExpAvgSq, parameter.ZerosLike());
            if (amsgrad)
            {
                state.Set(MaxExpAvgSq, parameter.ZerosLike());
            }
        }

        var g = group.Maximize ? -grad : grad;
        var step = (double)(state.Step = (state.Step ?? 0) + 1);
        if (decoupledWeightDecay)
        {
            parameter.Mul_(1 - (lr * weightDecay));
        }
        else if (weightDecay != 0)
        {
            g = g.Add(parameter, alpha: weightDecay);
        }

        var expAvg = state[ExpAvg];
        var expAvgSq = state[ExpAvgSq];
        expAvg.Mul_(beta1).Add_(g, alpha: 1 - beta1);
        expAvgSq.Mul_(beta2).Addcmul_(g, g, value: 1 - beta2);

        var biasCorrection1 = 1 - Math.Pow(beta1, step);
        var biasCorrection2 = 1 - Math.Pow(beta2, step);
        var stepSize = lr / biasCorrection1;
        var biasCorrection2Sqrt = Math.Sqrt(biasCorrection2);
        Tensor denom;
        if (amsgrad)
        {
            if (!state.TryGet(MaxExpAvgSq, out var maxExpAvgSq))
            {
                maxExpAvgSq = state.Set(MaxExpAvgSq, parameter.ZerosLike());
            }

            maxExpAvgSq.Copy_(maxExpAvgSq.Maximum(expAvgSq));
            denom = (maxExpAvgSq.Sqrt() / biasCorrection2Sqrt).Add_(group.Eps);
        }
        else
        {
            denom = (expAvgSq.Sqrt() / biasCorrection2Sqrt).Add_(group.Eps);
        }

        parameter.Addcdiv_(expAvg, denom, value: -stepSize);
    }
}
