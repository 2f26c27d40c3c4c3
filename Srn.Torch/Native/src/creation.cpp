// Factory functions: zeros, ones, full, empty, ranges, eye, random tensors, *_like.
#include "common.h"

using srn::options_of;
using srn::tensor_of;

namespace {
at::Tensor finish(at::Tensor t, int32_t requires_grad) {
  if (requires_grad != 0) t.set_requires_grad(true);
  return t;
}
}  // namespace

extern "C" {

srn_tensor srn_zeros(const int64_t* shape, int32_t ndim, int32_t dtype, int32_t dev_type, int32_t dev_index,
                     int32_t requires_grad) {
  SRN_TENSOR(return finish(at::zeros(srn::int_array(shape, ndim), options_of(dtype, dev_type, dev_index)),
                           requires_grad);)
}

srn_tensor srn_ones(const int64_t* shape, int32_t ndim, int32_t dtype, int32_t dev_type, int32_t dev_index,
                    int32_t requires_grad) {
  SRN_TENSOR(return finish(at::ones(srn::int_array(shape, ndim), options_of(dtype, dev_type, dev_index)),
                           requires_grad);)
}

srn_tensor srn_empty(const int64_t* shape, int32_t ndim, int32_t dtype, int32_t dev_type, int32_t dev_index,
                     int32_t requires_grad) {
  SRN_TENSOR(return finish(at::empty(srn::int_array(shape, ndim), options_of(dtype, dev_type, dev_index)),
                           requires_grad);)
}

srn_tensor srn_full(const int64_t* shape, int32_t ndim, srn_scalar value, int32_t dtype, int32_t dev_type,
                    int32_t dev_index, int32_t requires_grad) {
  SRN_TENSOR(return finish(at::full(srn::int_array(shape, ndim), srn::scalar_of(value),
                                    options_of(dtype, dev_type, dev_index)),
                           requires_grad);)
}

srn_tensor srn_arange(srn_scalar start, srn_scalar end, srn_scalar step, int32_t dtype, int32_t dev_type,
                      int32_t dev_index, int32_t requires_grad) {
  SRN_TENSOR(return finish(at::arange(srn::scalar_of(start), srn::scalar_of(end), srn::scalar_of(step),
                                      options_of(dtype, dev_type, dev_index)),
                           requires_grad);)
}

srn_tensor srn_linspace(double start, double end, int64_t steps, int32_t dtype, int32_t dev_type,
                        int32_t dev_index, int32_t requires_grad) {
  SRN_TENSOR(return finish(at::linspace(start, end, steps, options_of(dtype, dev_type, dev_index)),
                           requires_grad);)
}

srn_tensor srn_eye(int64_t n, int64_t m, int32_t dtype, int32_t dev_type, int32_t dev_index, int32_t requires_grad) {
  SRN_TENSOR(const auto o = options_of(dtype, dev_type, dev_index);
             return finish(m < 0 ? at::eye(n, o) : at::eye(n, m, o), requires_grad);)
}

srn_tensor srn_rand(const int64_t* shape, int32_t ndim, int32_t dtype, int32_t dev_type, int32_t dev_index,
                    int32_t requires_grad) {
  SRN_TENSOR(return finish(at::rand(srn::int_array(shape, ndim), options_of(dtype, dev_type, dev_index)),
                           requires_grad);)
}

srn_tensor srn_randn(const int64_t* shape, int32_t ndim, int32_t dtype, int32_t dev_type, int32_t dev_index,
                     int32_t requires_grad) {
  SRN_TENSOR(return finish(at::randn(srn::int_array(shape, ndim), options_of(dtype, dev_type, dev_index)),
                           requires_grad);)
}

srn_tensor srn_randint(int64_t low, int64_t high, const int64_t* shape, int32_t ndim, int32_t dtype,
                       int32_t dev_type, int32_t dev_index) {
  SRN_TENSOR(auto o = options_of(dtype, dev_type, dev_index);
             if (dtype < 0) o = o.dtype(at::kLong);
             return at::randint(low, high, srn::int_array(shape, ndim), o);)
}

srn_tensor srn_randperm(int64_t n, int32_t dtype, int32_t dev_type, int32_t dev_index) {
  SRN_TENSOR(auto o = options_of(dtype, dev_type, dev_index);
             if (dtype < 0) o = o.dtype(at::kLong);
             return at::randperm(n, o);)
}

srn_tensor srn_like(srn_tensor t, int32_t kind, int32_t dtype) {
  SRN_TENSOR(const auto& x = tensor_of(t);
             auto o = x.options();
             if (dtype >= 0) o = o.dtype(srn::dtype_of(dtype));
             switch (kind) {
               case 0: return at::zeros_like(x, o);
               case 1: return at::ones_like(x, o);
               case 2: return at::empty_like(x, o);
               case 3: return at::rand_like(x, o);
               case 4: return at::randn_like(x, o);
               default: throw std::invalid_argument("invalid *_like kind " + std::to_string(kind));
             })
}

srn_tensor srn_full_like(srn_tensor t, srn_scalar value, int32_t dtype) {
  SRN_TENSOR(const auto& x = tensor_of(t);
             auto o = x.options();
             if (dtype >= 0) o = o.dtype(srn::dtype_of(dtype));
             return at::full_like(x, srn::scalar_of(value), o);)
}

}  // extern "C"
