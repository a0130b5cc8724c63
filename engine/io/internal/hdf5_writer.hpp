// A thin, checked layer over the HDF5 C API for writing one file: owned identifiers, groups,
// labelled dimension scales (H5DS), compressed datasets and UTF-8 string attributes, laid out so
// that h5py, xarray (h5netcdf) and netCDF-C read them. Every failure throws std::runtime_error
// naming the file. Not thread-safe (the serial HDF5 library is not).
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace parcours::io::internal {

/// Owns an HDF5 identifier and closes it with the matching H5?close. Move-only.
class Hid {
 public:
  using Closer = herr_t (*)(hid_t);

  Hid() = default;

  Hid(hid_t id, Closer closer) : id_(id), closer_(closer) {}

  Hid(Hid&& other) noexcept
      : id_(std::exchange(other.id_, H5I_INVALID_HID)), closer_(other.closer_) {}

  Hid& operator=(Hid&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
      closer_ = other.closer_;
    }
    return *this;
  }

  Hid(const Hid&) = delete;
  Hid& operator=(const Hid&) = delete;

  ~Hid() { reset(); }

  [[nodiscard]] hid_t get() const noexcept { return id_; }

  /// Closes now; returns the closer's status (negative on failure, 0 when nothing was open).
  herr_t reset() noexcept {
    herr_t status = 0;
    if (id_ >= 0 && closer_ != nullptr) {
      status = closer_(id_);
    }
    id_ = H5I_INVALID_HID;
    return status;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

/// How a dataset is stored.
enum class Storage : std::uint8_t {
  kContiguous,          // small arrays
  kChunkedByFirstAxis,  // one chunk per index of the first axis, shuffle + deflate level 4
  kChunkedRows,         // 1-D tables: chunks of kRowsPerChunk values, shuffle + deflate level 4
};

/// Values per chunk of a Storage::kChunkedRows dataset: 512 KiB of float64, within HDF5's
/// default 1 MiB chunk cache.
inline constexpr hsize_t kRowsPerChunk = hsize_t{1} << 16;

/// Writes one new HDF5 file. Names are paths from the root group ("occupancy", "spells/state");
/// a dimension is a 1-D dataset made a dimension scale of the same name, attached to every
/// dataset's axes that use it (dimensions and the datasets using them in the same group).
class Hdf5Writer {
 public:
  /// Creates `path`, failing if it exists. Tracks link and attribute creation order, which
  /// netCDF-C expects, and silences HDF5's own printing of its error stack.
  explicit Hdf5Writer(std::filesystem::path path);

  Hdf5Writer(const Hdf5Writer&) = delete;
  Hdf5Writer& operator=(const Hdf5Writer&) = delete;

  /// Closes quietly if close() was not called (after an exception).
  ~Hdf5Writer();

  /// Flushes and closes the file; throws if HDF5 reports a failure.
  void close();

  /// A group `name` (its parent must exist), tracking creation order as the root group does.
  void add_group(const std::string& name);

  /// A dimension `name` labelled by `labels`.
  void add_dimension(const std::string& name, const std::vector<std::int32_t>& labels);
  void add_dimension(const std::string& name, const std::vector<std::string>& labels);

  /// A dimension `name` of `length` with no labels: netCDF's "dimension but not a variable" (a
  /// scale named so, never written, taking no space), so that xarray and netCDF-C give it no
  /// coordinate, e.g. the rows of a long table.
  void add_unlabelled_dimension(const std::string& name, hsize_t length);

  /// A dataset over dimensions already added, `data` in row-major order of `dims`.
  void add_variable(const std::string& name, const std::vector<std::string>& dims,
                    const std::vector<double>& data, Storage storage);
  void add_variable(const std::string& name, const std::vector<std::string>& dims,
                    const std::vector<std::int64_t>& data, Storage storage);
  void add_variable(const std::string& name, const std::vector<std::string>& dims,
                    const std::vector<std::int8_t>& data, Storage storage);
  void add_variable(const std::string& name, const std::vector<std::string>& dims,
                    const std::vector<std::int16_t>& data, Storage storage);
  void add_variable(const std::string& name, const std::vector<std::string>& dims,
                    const std::vector<std::uint64_t>& data, Storage storage);
  void add_variable(const std::string& name, const std::vector<std::string>& dims,
                    const std::vector<std::string>& data);

  /// A scalar (dimensionless) variable-length string dataset; any length.
  void add_scalar_string(const std::string& name, const std::string& value);

  /// Attributes of the dataset or group `object`, or of the root group when `object` is empty.
  void set_attribute(const std::string& object, const std::string& key, const std::string& value);
  void set_attribute(const std::string& object, const std::string& key, std::int32_t value);
  void set_attribute(const std::string& object, const std::string& key, std::uint64_t value);
  /// A float64 attribute (e.g. the CF _FillValue of a float64 variable, which must share its
  /// type).
  void set_attribute(const std::string& object, const std::string& key, double value);
  /// A 1-D int8 attribute (e.g. CF flag_values of an int8 variable, which must share its type).
  void set_attribute(const std::string& object, const std::string& key,
                     const std::vector<std::int8_t>& values);

 private:
  struct Dimension {
    Hid dataset;
    hsize_t length = 0;
  };

  [[noreturn]] void fail(const std::string& what) const;
  hid_t check(hid_t id, const std::string& what) const;
  void check_status(herr_t status, const std::string& what) const;

  Hid utf8_string_type() const;
  Hid create_dataset(const std::string& name, hid_t file_type, const std::vector<hsize_t>& shape,
                     Storage storage) const;
  void attach_dimensions(hid_t dataset, const std::string& name,
                         const std::vector<std::string>& dims) const;
  std::vector<hsize_t> shape_of(const std::string& name, const std::vector<std::string>& dims,
                                std::size_t elements) const;
  void add_numeric(const std::string& name, const std::vector<std::string>& dims, hid_t mem_type,
                   hid_t file_type, const void* data, std::size_t elements, Storage storage);
  // A scalar attribute when `count` is 0, else a 1-D one of `count` values.
  void write_attribute(const std::string& object, const std::string& key, hid_t mem_type,
                       hid_t file_type, const void* value, hsize_t count = 0) const;

  std::filesystem::path path_;
  Hid file_;
  std::map<std::string, Dimension> dimensions_;  // kept open until close()
};

}  // namespace parcours::io::internal
