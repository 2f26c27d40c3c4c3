using System.Runtime.InteropServices;

namespace Srn.Torch.Interop;

/// <summary>Op codes of <c>srn_unary</c> (see srn_native.h).</summary>
internal enum UnaryOp
{
    Neg = 0, Exp = 1, Log = 2, Sqrt = 3, Abs = 4, Sigmoid = 5, Tanh = 6, Relu = 7, LogSigmoid = 8,
    Sign = 9, Floor = 10, Ceil = 11, Round = 12, Reciprocal = 13, Rsqrt = 14, Log1p = 15, Expm1 = 16,
    Sin = 17, Cos = 18, LogicalNot = 19, IsNan = 20, Square = 21, Erf = 22, Trunc = 23, IsFinite = 24,
    Silu = 25, Gelu = 26, Log2 = 27,
}

/// <summary>Op codes of <c>srn_binary</c> and friends (see srn_native.h).</summary>
internal enum BinaryOp
{
    Add = 0, Sub = 1, Mul = 2, Div = 3, Pow = 4, Eq = 5, Ne = 6, Lt = 7, Le = 8, Gt = 9, Ge = 10,
    Maximum = 11, Minimum = 12, Remainder = 13, LogicalAnd = 14, LogicalOr = 15, LogicalXor = 16,
    FloorDivide = 17, Atan2 = 18,
}

/// <summary>Op codes of <c>srn_reduce</c>.</summary>
internal enum ReduceOp
{
    Sum = 0, Mean = 1, AMax = 2, AMin = 3, LogSumExp = 4, Any = 5, All = 6, Prod = 7, NanSum = 8,
}

internal static partial class NativeMethods
{
    // ----- elementwise math, matmul -----
    [LibraryImport(Lib)] internal static partial TensorHandle srn_unary(TensorHandle t, UnaryOp op);
    [LibraryImport(Lib)] internal static partial int srn_unary_(TensorHandle t, UnaryOp op);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_binary(TensorHandle a, TensorHandle b, BinaryOp op);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_binary_scalar(TensorHandle a, NativeScalar s, BinaryOp op, int reversed);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_add_alpha(TensorHandle a, TensorHandle b, NativeScalar alpha);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_clamp(TensorHandle t, NativeScalar min, int hasMin, NativeScalar max, int hasMax);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_clamp_tensor(TensorHandle t, TensorHandle min, TensorHandle max);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_softplus(TensorHandle t, double beta, double threshold);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_leaky_relu(TensorHandle t, double negativeSlope);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_softmax(TensorHandle t, long dim, int log, int dtype);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_matmul(TensorHandle a, TensorHandle b, int kind);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial TensorHandle srn_einsum(string equation, ReadOnlySpan<IntPtr> operands, long n);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_lerp(TensorHandle a, TensorHandle end, TensorHandle weight, double weightScalar);

    // ----- reductions -----
    [LibraryImport(Lib)] internal static partial TensorHandle srn_reduce(TensorHandle t, ReduceOp op, ReadOnlySpan<long> dims, int ndims, int keepdim);
    [LibraryImport(Lib)] internal static partial int srn_minmax_dim(TensorHandle t, long dim, int keepdim, int isMin, out TensorHandle values, out TensorHandle indices);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_argminmax(TensorHandle t, long dim, int hasDim, int keepdim, int isMin);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_var_std(TensorHandle t, ReadOnlySpan<long> dims, int ndims, int unbiased, int keepdim, int isStd);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_norm(TensorHandle t, double p, ReadOnlySpan<long> dims, int ndims, int keepdim);
    [LibraryImport(Lib)] internal static partial int srn_topk(TensorHandle t, long k, long dim, int largest, int sorted, out TensorHandle values, out TensorHandle indices);
    [LibraryImport(Lib)] internal static partial int srn_sort(TensorHandle t, long dim, int descending, int stable, out TensorHandle values, out TensorHandle indices);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_argsort(TensorHandle t, long dim, int descending, int stable);
    [LibraryImport(Lib)] internal static partial TensorHandle srn_cumulative(TensorHandle t, long dim, int kind);

    // ----- in-place -----
    [LibraryImport(Lib)] internal static partial int srn_binary_(TensorHandle a, TensorHandle b, BinaryOp op, NativeScalar alpha);
    [LibraryImport(Lib)] internal static partial int srn_binary_scalar_(TensorHandle a, NativeScalar s, BinaryOp op);
    [LibraryImport(Lib)] internal static partial int srn_addcmul_(TensorHandle t, TensorHandle t1, TensorHandle t2, NativeScalar value);
    [LibraryImport(Lib)] internal static partial int srn_addcdiv_(TensorHandle t, TensorHandle t1, TensorHandle t2, NativeScalar value);
    [LibraryImport(Lib)] internal static partial int srn_copy_(TensorHandle dst, TensorHandle src, int nonBlocking);
    [LibraryImport(Lib)] internal static partial int srn_zero_(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int srn_fill_(TensorHandle t, NativeScalar value);
    [LibraryImport(Lib)] internal static partial int srn_clamp_(TensorHandle t, NativeScalar min, int hasMin, NativeScalar max, int hasMax);
    [LibraryImport(Lib)] internal static partial int srn_lerp_(TensorHandle t, TensorHandle end, TensorHandle weight, double weightScalar);
}
