// Reductions: sum, mean, max/min, arg-extrema, var/std, norm, logsumexp, topk, sort, any/all, cumulative.
#include "common.h"

using srn::tensor_of;

namespace {

// One dim for reductions ATen only offers per dim (any, all, prod).
int64_t single_dim(const int64_t* dims, int32_t ndims, const char* what) {
  if (ndims != 1) throw std::invalid_argument(std::string(what) + " reduces over one dim at a time");
  return dims[0];
}

at::Tensor reduce(const at::Tensor& x, int32_t op, const int64_t* dims, int32_t ndims, bool keepdim) {
  const bool all = ndims < 0;
  const auto d = all ? at::IntArrayRef() : srn::int_array(dims, ndims);
  switch (op) {
    case 0: return all ? at::sum(x) : at::sum(x, d, keepdim);
    case 1: return all ? at::mean(x) : at::mean(x, d, keepdim);
    case 2: return all ? at::amax(x, at::IntArrayRef(), false) : at::amax(x, d, keepdim);
    case 3: return all ? at::amin(x, at::IntArrayRef(), false) : at::amin(x, d, keepdim);
    case 4: {
      if (!all) return at::logsumexp(x, d, keepdim);
      std::vector<int64_t> every(static_cast<size_t>(x.dim()));
      for (int64_t i = 0; i < x.dim(); ++i) every[static_cast<size_t>(i)] = i;
      return at::logsumexp(x, every, false);
    }
    case 5: return all ? at::any(x) : at::any(x, single_dim(dims, ndims, "any"), keepdim);
    case 6: return all ? at::all(x) : at::all(x, single_dim(dims, ndims, "all"), keepdim);
    case 7: return all ? at::prod(x) : at::prod(x, single_dim(dims, ndims, "prod"), keepdim);
    case 8: return all ? at::nansum(x) : at::nansum(x, d, keepdim);
    default: throw std::invalid_argument("invalid reduction op code " + std::to_string(op));
  }
}

// Empty tensors have no extremum; ATen says so, but only after a confusing message on some ops.
void require_nonempty(const at::Tensor& x, const char* what) {
  if (x.numel() == 0) throw std::invalid_argument(std::string(what) + " of an empty tensor is undefined");
}

}  // namespace

extern "C" {

srn_tensor srn_reduce(srn_tensor t, int32_t op, const int64_t* dims, int32_t ndims, int32_t keepdim) {
  SRN_TENSOR(const auto& x = tensor_of(t);
             if ((op == 2 || op == 3) && ndims < 0) require_nonempty(x, op == 2 ? "max" : "min");
             return reduce(x, op, dims, ndims, keepdim != 0);)
}

int32_t srn_minmax_dim(srn_tensor t, int64_t dim, int32_t keepdim, int32_t is_min, srn_tensor* values,
                       srn_tensor* indices) {
  SRN_STATUS(const auto& x = tensor_of(t);
             auto r = is_min != 0 ? at::min(x, dim, keepdim != 0) : at::max(x, dim, keepdim != 0);
             *values = srn::wrap(std::get<0>(r));
             *indices = srn::wrap(std::get<1>(r));)
}

srn_tensor srn_argminmax(srn_tensor t, int64_t dim, int32_t has_dim, int32_t keepdim, int32_t is_min) {
  SRN_TENSOR(const auto& x = tensor_of(t);
             const auto d = has_dim != 0 ? c10::optional<int64_t>(dim) : c10::nullopt;
             if (has_dim == 0) require_nonempty(x, is_min != 0 ? "argmin" : "argmax");
             return is_min != 0 ? at::argmin(x, d, keepdim != 0) : at::argmax(x, d, keepdim != 0);)
}

srn_tensor srn_var_std(srn_tensor t, const int64_t* dims, int32_t ndims, int32_t unbiased, int32_t keepdim,
                       int32_t is_std) {
  SRN_TENSOR(const auto& x = tensor_of(t);
             if (ndims < 0) return is_std != 0 ? at::std(x, unbiased != 0) : at::var(x, unbiased != 0);
             const auto d = srn::int_array(dims, ndims);
             return is_std != 0 ? at::std(x, d, unbiased != 0, keepdim != 0) : at::var(x, d, unbiased != 0, keepdim != 0);)
}

srn_tensor srn_norm(srn_tensor t, double p, const int64_t* dims, int32_t ndims, int32_t keepdim) {
  SRN_TENSOR(const auto& x = tensor_of(t);
             if (ndims < 0) return at::norm(x, p);
             return at::norm(x, p, srn::int_array(dims, ndims), keepdim != 0);)
}

int32_t srn_topk(srn_tensor t, int64_t k, int64_t dim, int32_t largest, int32_t sorted, srn_tensor* values,
                 srn_tensor* indices) {
  SRN_STATUS(auto r = at::topk(tensor_of(t), k, dim, largest != 0, sorted != 0);
             *values = srn::wrap(std::get<0>(r));
             *indices = srn::wrap(std::get<1>(r));)
}

int32_t srn_sort(srn_tensor t, int64_t dim, int32_t descending, int32_t stable, srn_tensor* values,
                 srn_tensor* indices) {
  SRN_STATUS(auto r = at::sort(tensor_of(t), c10::optional<bool>(stable != 0), dim, descending != 0);
             *values = srn::wrap(std::get<0>(r));
             *indices = srn::wrap(std::get<1>(r));)
}

srn_tensor srn_argsort(srn_tensor t, int64_t dim, int32_t descending, int32_t stable) {
  SRN_TENSOR(return std::get<1>(at::sort(tensor_of(t), c10::optional<bool>(stable != 0), dim, descending != 0));)
}

srn_tensor srn_cumulative(srn_tensor t, int64_t dim, int32_t kind) {
  SRN_TENSOR(switch (kind) {
    case 0: return at::cumsum(tensor_of(t), dim);
    case 1: return at::cumprod(tensor_of(t), dim);
    default: throw std::invalid_argument("invalid cumulative kind " + std::to_string(kind));
  })
}

}  // extern "C"
