#include "engine/io/internal/hdf5_writer.hpp"

#include <hdf5_hl.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdio>
#include <stdexcept>
#include <string>

namespace parcours::io::internal {

namespace {

// Deflate level for chunked datasets: level 4 is most of level 9's gain at a fraction of the time.
constexpr unsigned kDeflateLevel = 4;

// The innermost message of HDF5's error stack (the one that says what went wrong), or "".
std::string hdf5_error_detail() {
  std::string detail;
  auto take_first = [](unsigned n, const H5E_error2_t* error, void* out) -> herr_t {
    auto* text = static_cast<std::string*>(out);
    if (n == 0 && error->desc != nullptr) {
      *text = error->desc;
    }
    return 0;
  };
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, take_first, &detail);
  H5Eclear2(H5E_DEFAULT);
  return detail;
}

// The last segment of a path ("spells/spell" -> "spell"): a scale's name is its dataset's.
std::string base_name(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// How netCDF-C (and h5netcdf) name the scale of a dimension that has no coordinate variable; the
// length follows, printed "%10d".
constexpr const char* kNotAVariable = "This is a netCDF dimension but not a netCDF variable.";

}  // namespace

Hdf5Writer::Hdf5Writer(std::filesystem::path path) : path_(std::move(path)) {
  // Errors are turned into exceptions below; HDF5 would otherwise print its stack to stderr.
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);

  Hid fcpl{check(H5Pcreate(H5P_FILE_CREATE), "make a file creation property list"), H5Pclose};
  // netCDF-C lists a group's variables and attributes in creation order when it is tracked, and
  // ncdump then shows them in the order written.
  check_status(
      H5Pset_link_creation_order(fcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
      "track link creation order");
  check_status(
      H5Pset_attr_creation_order(fcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
      "track attribute creation order");
  Hid fapl{check(H5Pcreate(H5P_FILE_ACCESS), "make a file access property list"), H5Pclose};
  // Closing the file closes everything still open in it, so an exception never leaves the
  // file open (and the temporary file impossible to remove cleanly).
  check_status(H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG), "set the close degree");
  file_ = Hid{check(H5Fcreate(path_.c_str(), H5F_ACC_EXCL, fcpl.get(), fapl.get()), "create it"),
              H5Fclose};
}

Hdf5Writer::~Hdf5Writer() {
  dimensions_.clear();
  file_.reset();
}

void Hdf5Writer::close() {
  dimensions_.clear();
  check_status(H5Fflush(file_.get(), H5F_SCOPE_GLOBAL), "flush it");
  check_status(file_.reset(), "close it");
}

void Hdf5Writer::fail(const std::string& what) const {
  std::string message = path_.string() + ": HDF5 could not " + what;
  const std::string detail = hdf5_error_detail();
  if (!detail.empty()) {
    message += " (" + detail + ")";
  }
  throw std::runtime_error(message);
}

hid_t Hdf5Writer::check(hid_t id, const std::string& what) const {
  if (id < 0) {
    fail(what);
  }
  return id;
}

void Hdf5Writer::check_status(herr_t status, const std::string& what) const {
  if (status < 0) {
    fail(what);
  }
}

Hid Hdf5Writer::utf8_string_type() const {
  Hid type{check(H5Tcopy(H5T_C_S1), "copy the string type"), H5Tclose};
  check_status(H5Tset_size(type.get(), H5T_VARIABLE), "make a variable-length string type");
  check_status(H5Tset_cset(type.get(), H5T_CSET_UTF8), "make a UTF-8 string type");
  return type;
}

Hid Hdf5Writer::create_dataset(const std::string& name, hid_t file_type,
                               const std::vector<hsize_t>& shape, Storage storage) const {
  const auto rank = static_cast<int>(shape.size());
  Hid space{check(rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(rank, shape.data(), nullptr),
                  "make the dataspace of " + name),
            H5Sclose};
  Hid dcpl{check(H5Pcreate(H5P_DATASET_CREATE), "make a dataset property list"), H5Pclose};
  check_status(
      H5Pset_attr_creation_order(dcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
      "track attribute creation order of " + name);
  bool empty = false;
  for (const hsize_t n : shape) {
    empty = empty || n == 0;
  }
  if (storage == Storage::kChunkedRows && rank != 1) {
    throw std::logic_error(path_.string() + ": " + name + " is stored in rows but is not 1-D");
  }
  if (storage != Storage::kContiguous && rank > 0 && !empty) {
    std::vector<hsize_t> chunk = shape;
    chunk[0] = storage == Storage::kChunkedRows ? std::min(shape[0], kRowsPerChunk) : 1;
    check_status(H5Pset_chunk(dcpl.get(), rank, chunk.data()), "chunk " + name);
    check_status(H5Pset_shuffle(dcpl.get()), "shuffle " + name);
    check_status(H5Pset_deflate(dcpl.get(), kDeflateLevel), "compress " + name);
  }
  return Hid{check(H5Dcreate2(file_.get(), name.c_str(), file_type, space.get(), H5P_DEFAULT,
                              dcpl.get(), H5P_DEFAULT),
                   "create dataset " + name),
             H5Dclose};
}

void Hdf5Writer::add_group(const std::string& name) {
  Hid gcpl{check(H5Pcreate(H5P_GROUP_CREATE), "make a group creation property list"), H5Pclose};
  check_status(
      H5Pset_link_creation_order(gcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
      "track link creation order of " + name);
  check_status(
      H5Pset_attr_creation_order(gcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
      "track attribute creation order of " + name);
  const Hid group{check(H5Gcreate2(file_.get(), name.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT),
                        "create group " + name),
                  H5Gclose};
}

void Hdf5Writer::add_dimension(const std::string& name, const std::vector<std::int32_t>& labels) {
  const std::vector<hsize_t> shape{labels.size()};
  Hid dataset = create_dataset(name, H5T_STD_I32LE, shape, Storage::kContiguous);
  check_status(
      H5Dwrite(dataset.get(), H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, labels.data()),
      "write " + name);
  check_status(H5DSset_scale(dataset.get(), base_name(name).c_str()),
               "make " + name + " a dimension scale");
  dimensions_[name] = Dimension{std::move(dataset), labels.size()};
}

void Hdf5Writer::add_dimension(const std::string& name, const std::vector<std::string>& labels) {
  const Hid type = utf8_string_type();
  const std::vector<hsize_t> shape{labels.size()};
  Hid dataset = create_dataset(name, type.get(), shape, Storage::kContiguous);
  std::vector<const char*> pointers;
  pointers.reserve(labels.size());
  for (const std::string& label : labels) {
    pointers.push_back(label.c_str());
  }
  check_status(H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()),
               "write " + name);
  check_status(H5DSset_scale(dataset.get(), base_name(name).c_str()),
               "make " + name + " a dimension scale");
  dimensions_[name] = Dimension{std::move(dataset), labels.size()};
}

void Hdf5Writer::add_unlabelled_dimension(const std::string& name, hsize_t length) {
  // As netCDF-C writes it: big-endian float32, never written, so never allocated.
  Hid dataset = create_dataset(name, H5T_IEEE_F32BE, {length}, Storage::kContiguous);
  std::array<char, 96> scale_name{};
  std::snprintf(scale_name.data(), scale_name.size(), "%s%10llu", kNotAVariable,
                static_cast<unsigned long long>(length));
  check_status(H5DSset_scale(dataset.get(), scale_name.data()),
               "make " + name + " a dimension scale");
  dimensions_[name] = Dimension{std::move(dataset), length};
}

std::vector<hsize_t> Hdf5Writer::shape_of(const std::string& name,
                                          const std::vector<std::string>& dims,
                                          std::size_t elements) const {
  std::vector<hsize_t> shape;
  hsize_t product = 1;
  for (const std::string& dim : dims) {
    const auto found = dimensions_.find(dim);
    if (found == dimensions_.end()) {
      throw std::logic_error(path_.string() + ": " + name + " uses dimension " + dim +
                             ", which was not added");
    }
    shape.push_back(found->second.length);
    product *= found->second.length;
  }
  if (product != elements) {
    throw std::logic_error(path_.string() + ": " + name + " has " + std::to_string(elements) +
                           " values, its dimensions need " + std::to_string(product));
  }
  return shape;
}

void Hdf5Writer::attach_dimensions(hid_t dataset, const std::string& name,
                                   const std::vector<std::string>& dims) const {
  for (std::size_t axis = 0; axis < dims.size(); ++axis) {
    check_status(H5DSattach_scale(dataset, dimensions_.at(dims[axis]).dataset.get(),
                                  static_cast<unsigned>(axis)),
                 "attach dimension " + dims[axis] + " to " + name);
  }
}

void Hdf5Writer::add_numeric(const std::string& name, const std::vector<std::string>& dims,
                             hid_t mem_type, hid_t file_type, const void* data,
                             std::size_t elements, Storage storage) {
  const std::vector<hsize_t> shape = shape_of(name, dims, elements);
  const Hid dataset = create_dataset(name, file_type, shape, storage);
  if (elements > 0) {
    check_status(H5Dwrite(dataset.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data),
                 "write " + name);
  }
  attach_dimensions(dataset.get(), name, dims);
}

void Hdf5Writer::add_variable(const std::string& name, const std::vector<std::string>& dims,
                              const std::vector<double>& data, Storage storage) {
  add_numeric(name, dims, H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, data.data(), data.size(), storage);
}

void Hdf5Writer::add_variable(const std::string& name, const std::vector<std::string>& dims,
                              const std::vector<std::int64_t>& data, Storage storage) {
  add_numeric(name, dims, H5T_NATIVE_INT64, H5T_STD_I64LE, data.data(), data.size(), storage);
}

void Hdf5Writer::add_variable(const std::string& name, const std::vector<std::string>& dims,
                              const std::vector<std::int8_t>& data, Storage storage) {
  add_numeric(name, dims, H5T_NATIVE_INT8, H5T_STD_I8LE, data.data(), data.size(), storage);
}

void Hdf5Writer::add_variable(const std::string& name, const std::vector<std::string>& dims,
                              const std::vector<std::int16_t>& data, Storage storage) {
  add_numeric(name, dims, H5T_NATIVE_INT16, H5T_STD_I16LE, data.data(), data.size(), storage);
}

void Hdf5Writer::add_variable(const std::string& name, const std::vector<std::string>& dims,
                              const std::vector<std::uint64_t>& data, Storage storage) {
  add_numeric(name, dims, H5T_NATIVE_UINT64, H5T_STD_U64LE, data.data(), data.size(), storage);
}

void Hdf5Writer::add_variable(const std::string& name, const std::vector<std::string>& dims,
                              const std::vector<std::string>& data) {
  const std::vector<hsize_t> shape = shape_of(name, dims, data.size());
  const Hid type = utf8_string_type();
  const Hid dataset = create_dataset(name, type.get(), shape, Storage::kContiguous);
  std::vector<const char*> pointers;
  pointers.reserve(data.size());
  for (const std::string& value : data) {
    pointers.push_back(value.c_str());
  }
  if (!data.empty()) {
    check_status(
        H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()),
        "write " + name);
  }
  attach_dimensions(dataset.get(), name, dims);
}

void Hdf5Writer::add_scalar_string(const std::string& name, const std::string& value) {
  const Hid type = utf8_string_type();
  const Hid dataset = create_dataset(name, type.get(), {}, Storage::kContiguous);
  const char* pointer = value.c_str();
  check_status(H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &pointer),
               "write " + name);
}

void Hdf5Writer::write_attribute(const std::string& object, const std::string& key, hid_t mem_type,
                                 hid_t file_type, const void* value, hsize_t count) const {
  const std::string where = object.empty() ? "the root group" : object;
  const std::string what = "attribute " + key + " of " + where;
  // A dataset or a group.
  const Hid target{check(H5Oopen(file_.get(), object.empty() ? "/" : object.c_str(), H5P_DEFAULT),
                         "open " + where),
                   H5Oclose};
  const Hid space{check(count == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &count, nullptr),
                        "make the dataspace of " + what),
                  H5Sclose};
  const Hid attribute{
      check(H5Acreate2(target.get(), key.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
            "create " + what),
      H5Aclose};
  check_status(H5Awrite(attribute.get(), mem_type, value), "write " + what);
}

void Hdf5Writer::set_attribute(const std::string& object, const std::string& key,
                               const std::string& value) {
  const Hid type = utf8_string_type();
  const char* pointer = value.c_str();
  write_attribute(object, key, type.get(), type.get(), &pointer);
}

void Hdf5Writer::set_attribute(const std::string& object, const std::string& key,
                               std::int32_t value) {
  write_attribute(object, key, H5T_NATIVE_INT32, H5T_STD_I32LE, &value);
}

void Hdf5Writer::set_attribute(const std::string& object, const std::string& key,
                               std::uint64_t value) {
  write_attribute(object, key, H5T_NATIVE_UINT64, H5T_STD_U64LE, &value);
}

void Hdf5Writer::set_attribute(const std::string& object, const std::string& key, double value) {
  write_attribute(object, key, H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, &value);
}

void Hdf5Writer::set_attribute(const std::string& object, const std::string& key,
                               const std::vector<std::int8_t>& values) {
  if (values.empty()) {
    throw std::logic_error(path_.string() + ": attribute " + key + " of " + object +
                           " has no values");
  }
  write_attribute(object, key, H5T_NATIVE_INT8, H5T_STD_I8LE, values.data(), values.size());
}

}  // namespace parcours::io::internal
