// Tensor lifetime, metadata, raw data in and out, dtype/device conversion, tensor lists.
#include "common.h"

#include <cstring>

using srn::tensor_of;
using srn::wrap;

extern "C" {

void srn_tensor_free(srn_tensor t) {
  // Destructors of at::Tensor do not throw; the guard is for the impossible case only.
  try {
    delete reinterpret_cast<srn::TensorBox*>(t);
  } catch (...) {
  }
}

int32_t srn_tensor_dim(srn_tensor t, int64_t* out) { SRN_STATUS(*out = tensor_of(t).dim();) }

int32_t srn_tensor_shape(srn_tensor t, int64_t* out, int32_t capacity) {
  SRN_STATUS(const auto& x = tensor_of(t);
             if (x.dim() > capacity) throw std::invalid_argument("shape buffer too small");
             for (int64_t i = 0; i < x.dim(); ++i) out[i] = x.size(i);)
}

int32_t srn_tensor_strides(srn_tensor t, int64_t* out, int32_t capacity) {
  SRN_STATUS(const auto& x = tensor_of(t);
             if (x.dim() > capacity) throw std::invalid_argument("stride buffer too small");
             for (int64_t i = 0; i < x.dim(); ++i) out[i] = x.stride(i);)
}

int32_t srn_tensor_numel(srn_tensor t, int64_t* out) { SRN_STATUS(*out = tensor_of(t).numel();) }

int32_t srn_tensor_dtype(srn_tensor t, int32_t* out) {
  SRN_STATUS(*out = static_cast<int32_t>(tensor_of(t).scalar_type());)
}

int32_t srn_tensor_device(srn_tensor t, int32_t* type, int32_t* index) {
  SRN_STATUS(const auto d = tensor_of(t).device();
             *type = d.is_cuda() ? 1 : (d.is_cpu() ? 0 : 99);
             *index = d.has_index() ? d.index() : -1;)
}

int32_t srn_tensor_is_contiguous(srn_tensor t, int32_t* out) {
  SRN_STATUS(*out = tensor_of(t).is_contiguous() ? 1 : 0;)
}

int32_t srn_tensor_copy_to(srn_tensor t, void* dst, int64_t nbytes) {
  SRN_STATUS(
      const auto& x = tensor_of(t);
      const int64_t need = x.numel() * static_cast<int64_t>(x.element_size());
      if (need != nbytes) {
        throw std::invalid_argument("destination holds " + std::to_string(nbytes) + " bytes but the tensor has " +
                                    std::to_string(need));
      }
      if (need == 0) return 0;
      if (dst == nullptr) throw std::invalid_argument("null destination");
      // Wrap the destination and let ATen copy: handles strides, devices and conjugate views.
      auto out = at::from_blob(dst, x.sizes(), at::TensorOptions().dtype(x.scalar_type()));
      at::NoGradGuard no_grad;
      out.copy_(x.detach());)
}

srn_tensor srn_tensor_from_data(const void* data, int64_t nbytes, const int64_t* shape, int32_t ndim,
                                int32_t dtype) {
  SRN_TENSOR(
      const auto sizes = srn::int_array(shape, ndim);
      const auto type = srn::dtype_of(dtype);
      int64_t numel = 1;
      for (auto s : sizes) {
        if (s < 0) throw std::invalid_argument("negative dimension in shape");
        numel *= s;
      }
      const int64_t need = numel * static_cast<int64_t>(c10::elementSize(type));
      if (need != nbytes) {
        throw std::invalid_argument("shape needs " + std::to_string(need) + " bytes of data, got " +
                                    std::to_string(nbytes));
      }
      auto out = at::empty(sizes, at::TensorOptions().dtype(type));
      if (nbytes > 0) std::memcpy(out.data_ptr(), data, static_cast<size_t>(nbytes));
      return out;)
}

srn_tensor srn_tensor_alias(srn_tensor t) { SRN_TENSOR(return tensor_of(t);) }

srn_tensor srn_tensor_to(srn_tensor t, int32_t dtype, int32_t device_type, int32_t device_index,
                         int32_t non_blocking, int32_t copy) {
  SRN_TENSOR(const auto& x = tensor_of(t);
             const auto type = dtype >= 0 ? srn::dtype_of(dtype) : x.scalar_type();
             const auto dev = device_type >= 0 ? srn::device_of(device_type, device_index) : x.device();
             return x.to(dev, type, non_blocking != 0, copy != 0);)
}

srn_tensor srn_tensor_clone(srn_tensor t) { SRN_TENSOR(return tensor_of(t).clone();) }

void srn_tensor_list_free(srn_tensor_list l) {
  try {
    delete reinterpret_cast<std::vector<at::Tensor>*>(l);
  } catch (...) {
  }
}

int32_t srn_tensor_list_size(srn_tensor_list l, int64_t* out) {
  SRN_STATUS(if (l == nullptr) throw std::invalid_argument("null tensor list");
             *out = static_cast<int64_t>(reinterpret_cast<std::vector<at::Tensor>*>(l)->size());)
}

srn_tensor srn_tensor_list_get(srn_tensor_list l, int64_t i) {
  SRN_TENSOR(if (l == nullptr) throw std::invalid_argument("null tensor list");
             auto& v = *reinterpret_cast<std::vector<at::Tensor>*>(l);
             if (i < 0 || i >= static_cast<int64_t>(v.size())) throw std::out_of_range("tensor list index out of range");
             return v[static_cast<size_t>(i)];)
}

}  // extern "C"
