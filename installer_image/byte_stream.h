// Bytes read in order and then finished: what LayerReader reads a layer
// through. The installer's source is BlobStream (outer_archive.h), a blob of
// an archive on disk whose digest finish() checks; keeping LayerReader to
// this interface lets the layer checks run on bytes from anywhere, such as
// a fuzzer's input in memory.
#pragma once

#include <cstddef>

namespace bronze::oci {

class ByteStream {
 public:
  virtual ~ByteStream() = default;
  // Up to `size` bytes; 0 at the end. Throws when the bytes cannot be read.
  virtual size_t read(void* buffer, size_t size) = 0;
  // Reads what is left and throws unless the stream was what it claimed to
  // be: nothing read may be trusted before finish() returns.
  virtual void finish() = 0;
};

}  // namespace bronze::oci
