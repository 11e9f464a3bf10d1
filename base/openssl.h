// What every user of OpenSSL in the project needs: its error queue turned
// into a message, owning pointers for its objects, and memory BIOs.
#pragma once

#include <openssl/bio.h>

#include <memory>
#include <string>
#include <string_view>

namespace bronze {

// The first queued OpenSSL error, and the queue emptied so that it does not
// show up in a later, unrelated message.
std::string openssl_error();

// unique_ptr for an OpenSSL object with its own free function.
template <typename T, void (*Free)(T*)>
struct OpenSslDeleter {
  void operator()(T* p) const { Free(p); }
};
using BioPtr = std::unique_ptr<BIO, OpenSslDeleter<BIO, BIO_free_all>>;

// A read-only BIO over `data`, which must outlive it.
BioPtr memory_bio(std::string_view data);

// An empty memory BIO to write into.
BioPtr new_memory_bio();

// All that was written into a memory BIO.
std::string bio_contents(BIO* bio);

}  // namespace bronze
