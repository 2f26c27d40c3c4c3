/*
 * srn_native.h — the one public C header of libsrn_native, Srn's shim over libtorch.
 *
 * Conventions (every export follows them; see Srn.Torch/Native/README.md):
 *  - Plain C: opaque handles, fixed-width integers, no C++ type crosses the boundary.
 *  - Every export catches std::exception and (...) and never lets an exception escape.
 *  - A function returning a handle returns NULL on failure; a function returning int32_t
 *    returns 0 on success and -1 on failure. After a failure, srn_last_error_take() gives the
 *    message (thread-local), which the caller frees with srn_free_string().
 *  - Every srn_tensor returned is a new owning handle; free it with srn_tensor_free().
 *  - Optional tensor arguments accept NULL ("None").
 *  - dtype arguments are c10::ScalarType codes (see srn_dtype below); -1 means "default".
 *  - device arguments are (device_type, device_index): type 0 = CPU, 1 = CUDA; index -1 = current.
 */
#ifndef SRN_NATIVE_H
#define SRN_NATIVE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define SRN_API __declspec(dllexport)
#else
#define SRN_API __attribute__((visibility("default")))
#endif

/* Bumped whenever an export changes signature or meaning; checked by Srn.Torch at load. */
#define SRN_ABI_VERSION 2

typedef struct srn_tensor_s* srn_tensor;           /* owns one at::Tensor */
typedef struct srn_tensor_list_s* srn_tensor_list; /* owns a std::vector<at::Tensor> */
typedef struct srn_guard_s* srn_guard;             /* owns one RAII guard (no-grad, inference mode) */

/* A PyTorch Scalar by value. kind: 0 = double (d), 1 = int64 (i), 2 = bool (i != 0). */
typedef struct {
  int32_t kind;
  int32_t reserved;
  int64_t i;
  double d;
} srn_scalar;

/* c10::ScalarType codes used across the ABI. */
enum srn_dtype {
  SRN_UINT8 = 0, SRN_INT8 = 1, SRN_INT16 = 2, SRN_INT32 = 3, SRN_INT64 = 4,
  SRN_FLOAT16 = 5, SRN_FLOAT32 = 6, SRN_FLOAT64 = 7, SRN_BOOL = 11, SRN_BFLOAT16 = 15
};

/* ===== errors, library ===================================================================== */
SRN_API int32_t srn_abi_version(void);
SRN_API char* srn_last_error_take(void); /* NULL when no error is pending */
SRN_API void srn_free_string(char* s);
SRN_API char* srn_torch_version(void);   /* free with srn_free_string */
SRN_API int64_t srn_live_tensors(void);  /* srn_tensor handles currently alive */
SRN_API int32_t srn_malloc_tuned(void);  /* 1 when glibc's mmap/trim thresholds were raised at load */
SRN_API int32_t srn_cuda_is_available(void);
SRN_API int32_t srn_cuda_device_count(void);
SRN_API int32_t srn_get_num_threads(void);
SRN_API int32_t srn_set_num_threads(int32_t n);
SRN_API int32_t srn_manual_seed(uint64_t seed);
SRN_API srn_tensor srn_get_rng_state(void);          /* CPU generator state, uint8 (torch.get_rng_state) */
SRN_API int32_t srn_set_rng_state(srn_tensor state); /* torch.set_rng_state */
SRN_API int32_t srn_blas_info(char** out); /* which BLAS libtorch's matmul runs on; free *out */

/* ===== tensor lifetime, metadata, data ====================================================== */
SRN_API void srn_tensor_free(srn_tensor t);
SRN_API int32_t srn_tensor_dim(srn_tensor t, int64_t* out);
SRN_API int32_t srn_tensor_shape(srn_tensor t, int64_t* out, int32_t capacity);
SRN_API int32_t srn_tensor_strides(srn_tensor t, int64_t* out, int32_t capacity);
SRN_API int32_t srn_tensor_numel(srn_tensor t, int64_t* out);
SRN_API int32_t srn_tensor_dtype(srn_tensor t, int32_t* out);
SRN_API int32_t srn_tensor_device(srn_tensor t, int32_t* type, int32_t* index);
SRN_API int32_t srn_tensor_is_contiguous(srn_tensor t, int32_t* out);
/* Copies the values (row-major, converted to nothing: dtype must match) into dst of nbytes. */
SRN_API int32_t srn_tensor_copy_to(srn_tensor t, void* dst, int64_t nbytes);
/* New CPU tensor holding a copy of nbytes of data with the given shape and dtype. */
SRN_API srn_tensor srn_tensor_from_data(const void* data, int64_t nbytes, const int64_t* shape,
                                        int32_t ndim, int32_t dtype);
SRN_API srn_tensor srn_tensor_alias(srn_tensor t); /* a second handle on the same tensor */
SRN_API srn_tensor srn_tensor_to(srn_tensor t, int32_t dtype, int32_t device_type,
                                 int32_t device_index, int32_t non_blocking, int32_t copy);
SRN_API srn_tensor srn_tensor_clone(srn_tensor t);

/* ===== tensor lists ========================================================================= */
SRN_API void srn_tensor_list_free(srn_tensor_list l);
SRN_API int32_t srn_tensor_list_size(srn_tensor_list l, int64_t* out);
SRN_API srn_tensor srn_tensor_list_get(srn_tensor_list l, int64_t i); /* new handle */

/* ===== creation ============================================================================= */
SRN_API srn_tensor srn_zeros(const int64_t* shape, int32_t ndim, int32_t dtype, int32_t dev_type,
                             int32_t dev_index, int32_t requires_grad);
SRN_API srn_tensor srn_ones(const int64_t* shape, int32_t ndim, int32_t dtype, int32_t dev_type,
                            int32_t dev_index, int32_t requires_grad);
SRN_API srn_tensor srn_empty(const int64_t* shape, int32_t ndim, int32_t dtype, int32_t dev_type,
                             int32_t dev_index, int32_t requires_grad);
SRN_API srn_tensor srn_full(const int64_t* shape, int32_t ndim, srn_scalar value, int32_t dtype,
                            int32_t dev_type, int32_t dev_index, int32_t requires_grad);
SRN_API srn_tensor srn_arange(srn_scalar start, srn_scalar end, srn_scalar step, int32_t dtype,
                              int32_t dev_type, int32_t dev_index, int32_t requires_grad);
SRN_API srn_tensor srn_linspace(double start, double end, int64_t steps, int32_t dtype,
                                int32_t dev_type, int32_t dev_index, int32_t requires_grad);
SRN_API srn_tensor srn_eye(int64_t n, int64_t m, int32_t dtype, int32_t dev_type,
                           int32_t dev_index, int32_t requires_grad);
SRN_API srn_tensor srn_rand(const int64_t* shape, int32_t ndim, int32_t dtype, int32_t dev_type,
                            int32_t dev_index, int32_t requires_grad);
SRN_API srn_tensor srn_randn(const int64_t* shape, int32_t ndim, int32_t dtype, int32_t dev_type,
                             int32_t dev_index, int32_t requires_grad);
SRN_API srn_tensor srn_randint(int64_t low, int64_t high, const int64_t* shape, int32_t ndim,
                               int32_t dtype, int32_t dev_type, int32_t dev_index);
SRN_API srn_tensor srn_randperm(int64_t n, int32_t dtype, int32_t dev_type, int32_t dev_index);
/* like: 0 = zeros_like, 1 = ones_like, 2 = empty_like, 3 = rand_like, 4 = randn_like */
SRN_API srn_tensor srn_like(srn_tensor t, int32_t kind, int32_t dtype);
SRN_API srn_tensor srn_full_like(srn_tensor t, srn_scalar value, int32_t dtype);

/* ===== autograd ============================================================================= */
SRN_API int32_t srn_requires_grad(srn_tensor t, int32_t* out);
SRN_API int32_t srn_set_requires_grad(srn_tensor t, int32_t value);
SRN_API int32_t srn_is_leaf(srn_tensor t, int32_t* out);
SRN_API srn_tensor srn_grad(srn_tensor t, int32_t* has_grad); /* NULL + has_grad=0 when none */
SRN_API int32_t srn_set_grad(srn_tensor t, srn_tensor grad);  /* grad may be NULL: clears it */
SRN_API int32_t srn_backward(srn_tensor t, srn_tensor gradient, int32_t retain_graph,
                             int32_t create_graph);
SRN_API int32_t srn_retain_grad(srn_tensor t);
SRN_API srn_tensor srn_detach(srn_tensor t);
SRN_API int32_t srn_detach_(srn_tensor t);
SRN_API int32_t srn_grad_enabled(int32_t* out);
/* kind: 0 = no-grad, 1 = enable-grad, 2 = inference mode. Free on the creating thread. */
SRN_API srn_guard srn_guard_new(int32_t kind);
SRN_API void srn_guard_free(srn_guard g);
SRN_API int32_t srn_is_inference_mode(int32_t* out);

/* ===== views, shapes, indexing ============================================================ */
/* (area: shape) */
/* Views and shape changes. Integer arrays are (pointer, count); dims may be negative. */
SRN_API srn_tensor srn_view(srn_tensor t, const int64_t* shape, int32_t ndim);
SRN_API srn_tensor srn_reshape(srn_tensor t, const int64_t* shape, int32_t ndim);
SRN_API srn_tensor srn_permute(srn_tensor t, const int64_t* dims, int32_t ndim);
SRN_API srn_tensor srn_transpose(srn_tensor t, int64_t dim0, int64_t dim1);
SRN_API srn_tensor srn_flatten(srn_tensor t, int64_t start_dim, int64_t end_dim);
SRN_API srn_tensor srn_squeeze(srn_tensor t);                 /* every dimension of size 1 */
SRN_API srn_tensor srn_squeeze_dim(srn_tensor t, int64_t dim);
SRN_API srn_tensor srn_unsqueeze(srn_tensor t, int64_t dim);
SRN_API srn_tensor srn_expand(srn_tensor t, const int64_t* shape, int32_t ndim); /* -1 keeps a size */
SRN_API srn_tensor srn_expand_as(srn_tensor t, srn_tensor other);
SRN_API srn_tensor srn_repeat(srn_tensor t, const int64_t* repeats, int32_t n);
SRN_API srn_tensor srn_contiguous(srn_tensor t);
SRN_API srn_tensor srn_flip(srn_tensor t, const int64_t* dims, int32_t n);
/* n_dims == 0: roll the flattened tensor by shifts[0] and restore the shape. */
SRN_API srn_tensor srn_roll(srn_tensor t, const int64_t* shifts, int32_t n_shifts, const int64_t* dims,
                            int32_t n_dims);
SRN_API srn_tensor srn_narrow(srn_tensor t, int64_t dim, int64_t start, int64_t length);
/* Joining and splitting; the pieces of a split are views. */
SRN_API srn_tensor srn_cat(const srn_tensor* tensors, int64_t n, int64_t dim);
SRN_API srn_tensor srn_stack(const srn_tensor* tensors, int64_t n, int64_t dim);
SRN_API srn_tensor_list srn_split(srn_tensor t, int64_t split_size, int64_t dim);
SRN_API srn_tensor_list srn_split_sizes(srn_tensor t, const int64_t* sizes, int32_t n, int64_t dim);
SRN_API srn_tensor_list srn_chunk(srn_tensor t, int64_t chunks, int64_t dim);
/* Gather/scatter family (out of place). */
SRN_API srn_tensor srn_index_select(srn_tensor t, int64_t dim, srn_tensor index);
SRN_API srn_tensor srn_gather(srn_tensor t, int64_t dim, srn_tensor index);
SRN_API srn_tensor srn_scatter(srn_tensor t, int64_t dim, srn_tensor index, srn_tensor src);
SRN_API srn_tensor srn_scatter_value(srn_tensor t, int64_t dim, srn_tensor index, srn_scalar value);
SRN_API srn_tensor srn_scatter_add(srn_tensor t, int64_t dim, srn_tensor index, srn_tensor src);
SRN_API srn_tensor srn_masked_fill(srn_tensor t, srn_tensor mask, srn_scalar value);
SRN_API srn_tensor srn_masked_fill_tensor(srn_tensor t, srn_tensor mask, srn_tensor value); /* 0-dim value */
/* where(cond, x, y); x (or y) NULL means "use xs (or ys)", a Scalar. */
SRN_API srn_tensor srn_where(srn_tensor cond, srn_tensor x, srn_scalar xs, srn_tensor y, srn_scalar ys);
SRN_API srn_tensor srn_nonzero(srn_tensor t); /* [n, ndim] int64 */
SRN_API srn_tensor_list srn_nonzero_tuple(srn_tensor t);
/* Python-style indexing t[i0, i1, ...]: n indices given as parallel arrays.
 * kinds[k]: 0 = None (new axis), 1 = Ellipsis, 2 = integer (values[3k]), 3 = bool (values[3k] != 0),
 *           4 = slice (values[3k], values[3k+1], values[3k+2] = start, stop, step; INT64_MIN for a
 *               start or stop means None), 5 = tensor (tensors[k]: int64 indices or bool mask).
 * values has 3 * n entries; tensors has n entries (NULL where kinds[k] != 5). */
SRN_API srn_tensor srn_index(srn_tensor t, const int32_t* kinds, const int64_t* values,
                             const srn_tensor* tensors, int32_t n);
/* In place t[indices] = value (broadcast); index_put_ with the same index encoding. */
SRN_API int32_t srn_index_put_(srn_tensor t, const int32_t* kinds, const int64_t* values,
                               const srn_tensor* tensors, int32_t n, srn_tensor value);
SRN_API int32_t srn_index_put_scalar_(srn_tensor t, const int32_t* kinds, const int64_t* values,
                                      const srn_tensor* tensors, int32_t n, srn_scalar value);

/* ===== elementwise math, matmul ============================================================= */
/* (area: math) */
/* Unary ops by code: 0 neg, 1 exp, 2 log, 3 sqrt, 4 abs, 5 sigmoid, 6 tanh, 7 relu, 8 logsigmoid,
   9 sign, 10 floor, 11 ceil, 12 round, 13 reciprocal, 14 rsqrt, 15 log1p, 16 expm1, 17 sin, 18 cos,
   19 logical_not, 20 isnan, 21 square, 22 erf, 23 trunc, 24 isfinite, 25 silu, 26 gelu, 27 log2. */
SRN_API srn_tensor srn_unary(srn_tensor t, int32_t op);
/* In place; codes as above (those with an in-place form in ATen). */
SRN_API int32_t srn_unary_(srn_tensor t, int32_t op);
/* Binary ops by code: 0 add, 1 sub, 2 mul, 3 div, 4 pow, 5 eq, 6 ne, 7 lt, 8 le, 9 gt, 10 ge,
   11 maximum, 12 minimum, 13 remainder, 14 logical_and, 15 logical_or, 16 logical_xor,
   17 floor_divide, 18 atan2. */
SRN_API srn_tensor srn_binary(srn_tensor a, srn_tensor b, int32_t op);
/* a OP s, or s OP a when reversed != 0 (sub, div, pow, remainder and comparisons honour the order). */
SRN_API srn_tensor srn_binary_scalar(srn_tensor a, srn_scalar s, int32_t op, int32_t reversed);
SRN_API srn_tensor srn_add_alpha(srn_tensor a, srn_tensor b, srn_scalar alpha);
SRN_API srn_tensor srn_clamp(srn_tensor t, srn_scalar min, int32_t has_min, srn_scalar max, int32_t has_max);
SRN_API srn_tensor srn_clamp_tensor(srn_tensor t, srn_tensor min, srn_tensor max);
SRN_API srn_tensor srn_softplus(srn_tensor t, double beta, double threshold);
SRN_API srn_tensor srn_leaky_relu(srn_tensor t, double negative_slope);
/* log != 0 gives log_softmax; dtype -1 keeps the input's. */
SRN_API srn_tensor srn_softmax(srn_tensor t, int64_t dim, int32_t log, int32_t dtype);
/* kind: 0 matmul, 1 bmm, 2 mm, 3 outer, 4 dot */
SRN_API srn_tensor srn_matmul(srn_tensor a, srn_tensor b, int32_t kind);
SRN_API srn_tensor srn_einsum(const char* equation, const srn_tensor* operands, int64_t n);
SRN_API srn_tensor srn_lerp(srn_tensor a, srn_tensor end, srn_tensor weight, double weight_scalar);

/* ===== reductions =========================================================================== */
/* (area: reduce) */
/* Reductions by code over all dims (ndims < 0) or the given dims: 0 sum, 1 mean, 2 amax, 3 amin,
   4 logsumexp, 5 any, 6 all, 7 prod, 8 nansum. any/all/prod take at most one dim. */
SRN_API srn_tensor srn_reduce(srn_tensor t, int32_t op, const int64_t* dims, int32_t ndims, int32_t keepdim);
/* max/min along a dim: values and indices. */
SRN_API int32_t srn_minmax_dim(srn_tensor t, int64_t dim, int32_t keepdim, int32_t is_min, srn_tensor* values,
                               srn_tensor* indices);
/* has_dim == 0: over the flattened tensor. is_min selects argmin. */
SRN_API srn_tensor srn_argminmax(srn_tensor t, int64_t dim, int32_t has_dim, int32_t keepdim, int32_t is_min);
/* is_std selects std; ndims < 0 reduces all dims. */
SRN_API srn_tensor srn_var_std(srn_tensor t, const int64_t* dims, int32_t ndims, int32_t unbiased, int32_t keepdim,
                               int32_t is_std);
SRN_API srn_tensor srn_norm(srn_tensor t, double p, const int64_t* dims, int32_t ndims, int32_t keepdim);
SRN_API int32_t srn_topk(srn_tensor t, int64_t k, int64_t dim, int32_t largest, int32_t sorted, srn_tensor* values,
                         srn_tensor* indices);
SRN_API int32_t srn_sort(srn_tensor t, int64_t dim, int32_t descending, int32_t stable, srn_tensor* values,
                         srn_tensor* indices);
SRN_API srn_tensor srn_argsort(srn_tensor t, int64_t dim, int32_t descending, int32_t stable);
/* kind: 0 cumsum, 1 cumprod */
SRN_API srn_tensor srn_cumulative(srn_tensor t, int64_t dim, int32_t kind);

/* ===== in-place ============================================================================= */
/* (area: inplace) */
/* In-place binary ops (codes 0 add, 1 sub, 2 mul, 3 div, 4 pow); alpha scales b for add and sub. */
SRN_API int32_t srn_binary_(srn_tensor a, srn_tensor b, int32_t op, srn_scalar alpha);
SRN_API int32_t srn_binary_scalar_(srn_tensor a, srn_scalar s, int32_t op);
SRN_API int32_t srn_addcmul_(srn_tensor t, srn_tensor t1, srn_tensor t2, srn_scalar value);
SRN_API int32_t srn_addcdiv_(srn_tensor t, srn_tensor t1, srn_tensor t2, srn_scalar value);
SRN_API int32_t srn_copy_(srn_tensor dst, srn_tensor src, int32_t non_blocking);
SRN_API int32_t srn_zero_(srn_tensor t);
SRN_API int32_t srn_fill_(srn_tensor t, srn_scalar value);
SRN_API int32_t srn_clamp_(srn_tensor t, srn_scalar min, int32_t has_min, srn_scalar max, int32_t has_max);
/* weight tensor, or (weight == NULL) the scalar weight */
SRN_API int32_t srn_lerp_(srn_tensor t, srn_tensor end, srn_tensor weight, double weight_scalar);

/* ===== functional (nn) ====================================================================== */
/* (area: functional) */
/* Two-element arrays (h, w) for 2-d sizes; see Srn.Torch/Functional.cs for the PyTorch semantics. */
SRN_API srn_tensor srn_conv2d(srn_tensor input, srn_tensor weight, srn_tensor bias, const int64_t* stride,
                              const int64_t* padding, const int64_t* dilation, int64_t groups);
/* Updates running_mean/running_var in place when training (and they are given). */
SRN_API srn_tensor srn_batch_norm(srn_tensor input, srn_tensor running_mean, srn_tensor running_var,
                                  srn_tensor weight, srn_tensor bias, int32_t training, double momentum,
                                  double eps);
SRN_API srn_tensor srn_layer_norm(srn_tensor input, const int64_t* normalized_shape, int32_t ndim,
                                  srn_tensor weight, srn_tensor bias, double eps);
/* stride NULL = kernel_size (PyTorch's None). */
SRN_API srn_tensor srn_max_pool2d(srn_tensor input, const int64_t* kernel_size, const int64_t* stride,
                                  const int64_t* padding, const int64_t* dilation, int32_t ceil_mode);
/* List of two: output, int64 indices. */
SRN_API srn_tensor_list srn_max_pool2d_with_indices(srn_tensor input, const int64_t* kernel_size,
                                                    const int64_t* stride, const int64_t* padding,
                                                    const int64_t* dilation, int32_t ceil_mode);
/* divisor_override 0 = none. */
SRN_API srn_tensor srn_avg_pool2d(srn_tensor input, const int64_t* kernel_size, const int64_t* stride,
                                  const int64_t* padding, int32_t ceil_mode, int32_t count_include_pad,
                                  int64_t divisor_override);
/* A negative output size keeps that input size (PyTorch's None). */
SRN_API srn_tensor srn_adaptive_avg_pool2d(srn_tensor input, const int64_t* output_size);
SRN_API srn_tensor_list srn_adaptive_max_pool2d(srn_tensor input, const int64_t* output_size); /* output, indices */
SRN_API srn_tensor srn_linear(srn_tensor input, srn_tensor weight, srn_tensor bias);
SRN_API srn_tensor srn_dropout(srn_tensor input, double p, int32_t training);
/* mode: 0 nearest, 1 bilinear, 2 bicubic, 3 area, 4 nearest-exact. size NULL: scale_h/scale_w used.
 * align_corners: -1 = None. recompute_scale_factor: 0/1. */
SRN_API srn_tensor srn_interpolate(srn_tensor input, const int64_t* size, double scale_h, double scale_w,
                                   int32_t mode, int32_t align_corners, int32_t recompute_scale_factor);
/* mode: 0 bilinear, 1 nearest, 2 bicubic; padding_mode: 0 zeros, 1 border, 2 reflection. */
SRN_API srn_tensor srn_grid_sample(srn_tensor input, srn_tensor grid, int32_t mode, int32_t padding_mode,
                                   int32_t align_corners);
/* mode: 0 constant (value used), 1 reflect, 2 replicate, 3 circular. */
SRN_API srn_tensor srn_pad(srn_tensor input, const int64_t* pad, int32_t npad, int32_t mode, double value);
SRN_API srn_tensor srn_cosine_similarity(srn_tensor x1, srn_tensor x2, int64_t dim, double eps);
SRN_API srn_tensor srn_normalize(srn_tensor input, double p, int64_t dim, double eps);
SRN_API srn_tensor srn_one_hot(srn_tensor input, int64_t num_classes);

/* ===== random fills, init, linear algebra =================================================== */
/* (area: init) */
/* In-place random fills from the global generator (same sequence as PyTorch's for the same seed). */
SRN_API int32_t srn_uniform_(srn_tensor t, double from, double to);
SRN_API int32_t srn_normal_(srn_tensor t, double mean, double std);
SRN_API int32_t srn_bernoulli_(srn_tensor t, double p);
/* Replaces the data of t (keeping the handle, its autograd identity and requires_grad), as `t.data = src`. */
SRN_API int32_t srn_set_data(srn_tensor t, srn_tensor src);
/* Reduced QR decomposition: torch.linalg.qr(a, mode='reduced'). */
SRN_API int32_t srn_linalg_qr(srn_tensor a, srn_tensor* q, srn_tensor* r);
/* torch.diagonal(t, offset, dim1, dim2) (a view). */
SRN_API srn_tensor srn_diagonal(srn_tensor t, int64_t offset, int64_t dim1, int64_t dim2);

/* ===== vision =============================================================================== */
/* (area: vision) */
/* torch.nn.functional.interpolate(input, ..., antialias=True) on a 4-d floating input. mode: 1 bilinear,
 * 2 bicubic (srn_interpolate's codes; no other mode antialiases). size NULL: scale_h/scale_w used.
 * align_corners: 0/1. */
SRN_API srn_tensor srn_interpolate_antialias(srn_tensor input, const int64_t* size, double scale_h, double scale_w,
                                             int32_t mode, int32_t align_corners);

/* ---- RoI ops (roi.cpp) ---- */
/* torchvision.ops.roi_pool (max over integer bins) and torchvision.ops.roi_align (average of bilinear samples).
 * input [N, C, H, W] floating point; boxes [K, 5] rows (batch index, x1, y1, x2, y2) in input-image coordinates, on the
 * input's device, any floating dtype (converted to the input's; they get no gradient); output [K, C, output_h, output_w].
 * spatial_scale maps box coordinates to input cells (1/16 for a stride-16 feature map), positive. sampling_ratio: samples
 * per bin side, <= 0 for torchvision's adaptive ceil(box size / output size); aligned != 0 shifts boxes by -0.5 cell.
 * Batch indices must be integers in [0, N) and coordinates finite (else an error naming the box).
 * impl: 0 = on CPU (float32 / float64 only) the C++ kernels with autograd nodes, elsewhere a composite of ATen ops that
 * runs on any device; 1 = the composite on every device. Second derivatives are not supported by the kernels. */
SRN_API srn_tensor srn_roi_pool(srn_tensor input, srn_tensor boxes, int64_t output_h, int64_t output_w,
                                double spatial_scale, int32_t impl);
SRN_API srn_tensor srn_roi_align(srn_tensor input, srn_tensor boxes, int64_t output_h, int64_t output_w,
                                 double spatial_scale, int64_t sampling_ratio, int32_t aligned, int32_t impl);

/* ===== images =============================================================================== */
/* (area: image) */
/* Image codecs (src/image.cpp): JPEG through libjpeg-turbo's TurboJPEG API, PNG through libpng. The format is
 * detected from the magic bytes. Images are uint8 tensors [C, H, W] (torchvision.io's layout).
 * mode: SRN_IMAGE_MODE_* (0 keeps the stored channels; 1 and 3 convert as Pillow's convert('L') / ('RGB')).
 * apply_exif_orientation != 0 rotates / flips by the EXIF orientation tag (0x0112), as PIL.ImageOps.exif_transpose.
 * Truncated, corrupt or unknown data fails with a message saying what is wrong (libjpeg's / libpng's words). */
enum srn_image_mode { SRN_IMAGE_MODE_UNCHANGED = 0, SRN_IMAGE_MODE_GRAY = 1, SRN_IMAGE_MODE_RGB = 3 };
enum srn_image_format { SRN_IMAGE_UNKNOWN = 0, SRN_IMAGE_JPEG = 1, SRN_IMAGE_PNG = 2 };
SRN_API srn_tensor srn_image_decode(const uint8_t* data, int64_t size, int32_t mode, int32_t apply_exif_orientation);
/* Reads the headers only. out[0] = srn_image_format, out[1] = width, out[2] = height (as stored, before any EXIF
 * rotation), out[3] = channels a SRN_IMAGE_MODE_UNCHANGED decode gives, out[4] = EXIF orientation (1..8, 1 when
 * absent). capacity must be at least 5. */
SRN_API int32_t srn_image_info(const uint8_t* data, int64_t size, int64_t* out, int32_t capacity);
/* PNG bytes of a uint8 [C, H, W] image (C = 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA; any device), as a new 1-D uint8
 * tensor. compression_level 0..9 (zlib; Pillow's default is 6). */
SRN_API srn_tensor srn_image_encode_png(srn_tensor image, int32_t compression_level);

/* ===== losses =============================================================================== */
/* (area: losses) */
/* reduction: 0 none, 1 mean, 2 sum (srn_kl_div also 3 batchmean). Optional tensors may be NULL. */
SRN_API srn_tensor srn_binary_cross_entropy(srn_tensor input, srn_tensor target, srn_tensor weight,
                                            int32_t reduction);
SRN_API srn_tensor srn_binary_cross_entropy_with_logits(srn_tensor input, srn_tensor target, srn_tensor weight,
                                                        srn_tensor pos_weight, int32_t reduction);
SRN_API srn_tensor srn_cross_entropy(srn_tensor input, srn_tensor target, srn_tensor weight, int64_t ignore_index,
                                     int32_t reduction, double label_smoothing);
SRN_API srn_tensor srn_kl_div(srn_tensor input, srn_tensor target, int32_t reduction, int32_t log_target);
SRN_API srn_tensor srn_mse_loss(srn_tensor input, srn_tensor target, int32_t reduction);

/* ===== mixed precision (amp.cpp) ==========================================================
 * Autocast state is libtorch's own and thread-local. device_type: 0 = CPU, 1 = CUDA; dtype: an srn_dtype
 * (SRN_BFLOAT16 or SRN_FLOAT16). memory_format: 0 = contiguous, 1 = preserve, 2 = channels_last,
 * 3 = channels_last_3d (c10::MemoryFormat codes). */
SRN_API int32_t srn_autocast_get(int32_t device_type, int32_t* enabled, int32_t* dtype);
SRN_API int32_t srn_autocast_set(int32_t device_type, int32_t enabled, int32_t dtype);
SRN_API int32_t srn_autocast_enter_nesting(int32_t* depth);
SRN_API int32_t srn_autocast_exit_nesting(int32_t* depth); /* clears the cast cache when it reaches 0 */
SRN_API srn_tensor srn_contiguous_format(srn_tensor t, int32_t memory_format);
SRN_API int32_t srn_tensor_is_contiguous_format(srn_tensor t, int32_t memory_format, int32_t* out);
SRN_API int32_t srn_tensor_suggest_memory_format(srn_tensor t, int32_t* out);

#ifdef __cplusplus
}
#endif

#endif /* SRN_NATIVE_H */
