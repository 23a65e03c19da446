// The path of a CTP callback to JavaScript. The CTP thread copies the callback's arguments into a record
// (no pointer outlives the callback), appends it under a short lock and rings a coalesced doorbell (one
// ThreadSafeFunction call while a drain is pending); the JS thread drains the records in batches.
// Market data is bounded and drops the oldest record (counted); trader events are never dropped.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <mutex>
#include <vector>

#include "ctp_api.h"

namespace qautlra_ctp {

// A record as JS reads it (little endian): u16 event, u8 is_last, u8 has_info, i32 request_id, i32 int_arg,
// u32 payload_length, CThostFtdcRspInfoField (88 bytes), then the payload (a struct image), padded to 8.
constexpr size_t kRecordHeader = 16 + sizeof(CThostFtdcRspInfoField);

class Channel {
 public:
  // capacity 0 = unbounded (trader events); otherwise the oldest records are dropped past it.
  explicit Channel(size_t capacity) : capacity_(capacity) {}

  // `ring` wakes the JS thread (a ThreadSafeFunction's NonBlockingCall); false = it could not.
  void Start(std::function<bool()> ring) {
    ring_ = std::move(ring);
    open_.store(true);
  }

  // From the CTP thread (or any thread). Returns at once.
  void Emit(int event, const void* data, size_t size, const CThostFtdcRspInfoField* info, int request_id,
            bool is_last, int int_arg) {
    if (!open_.load(std::memory_order_acquire)) return;
    std::vector<uint8_t> record = Take();
    const size_t padded = (kRecordHeader + size + 7) & ~static_cast<size_t>(7);
    record.assign(padded, 0);
    uint8_t* p = record.data();
    const uint16_t ev = static_cast<uint16_t>(event);
    const uint32_t len = static_cast<uint32_t>(size);
    std::memcpy(p, &ev, 2);
    p[2] = is_last ? 1 : 0;
    p[3] = info ? 1 : 0;
    std::memcpy(p + 4, &request_id, 4);
    std::memcpy(p + 8, &int_arg, 4);
    std::memcpy(p + 12, &len, 4);
    if (info) std::memcpy(p + 16, info, sizeof(CThostFtdcRspInfoField));
    if (data && size) std::memcpy(p + kRecordHeader, data, size);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (capacity_ && queue_.size() >= capacity_) {
        Recycle(std::move(queue_.front()));
        queue_.pop_front();
        dropped_.fetch_add(1, std::memory_order_relaxed);
      }
      queue_.push_back(std::move(record));
    }
    Ring();
  }

  // On the JS thread: up to `limit` records as one buffer; `remaining` = how many still wait. The doorbell
  // stays rung while records remain (the JS side pulls again on its next turn, letting timers and I/O run
  // in between); it is cleared only when the queue is found empty, under the lock Emit appends under.
  size_t Drain(size_t limit, std::vector<uint8_t>* out, size_t* remaining) {
    std::deque<std::vector<uint8_t>> batch;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (queue_.size() <= limit) {
        batch.swap(queue_);
      } else {
        for (size_t i = 0; i < limit; i++) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
      *remaining = queue_.size();
      if (queue_.empty()) pending_.store(false, std::memory_order_release);
    }
    size_t bytes = 0;
    for (const auto& r : batch) bytes += r.size();
    out->resize(bytes);
    size_t at = 0;
    for (const auto& r : batch) {
      std::memcpy(out->data() + at, r.data(), r.size());
      at += r.size();
    }
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& r : batch) Recycle(std::move(r));
    return batch.size();
  }

  uint64_t Dropped() const { return dropped_.load(std::memory_order_relaxed); }

  // Stops accepting records; what is queued is discarded. Safe to call twice.
  void Close() {
    open_.store(false, std::memory_order_release);
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.clear();
    pool_.clear();
  }

 private:
  void Ring() {
    if (pending_.exchange(true, std::memory_order_acq_rel)) return;
    if (!open_.load(std::memory_order_acquire)) return;
    if (!ring_()) pending_.store(false);
  }

  std::vector<uint8_t> Take() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (pool_.empty()) return {};
    std::vector<uint8_t> r = std::move(pool_.back());
    pool_.pop_back();
    return r;
  }

  // With the lock held.
  void Recycle(std::vector<uint8_t>&& r) {
    if (pool_.size() < 1024) pool_.push_back(std::move(r));
  }

  const size_t capacity_;
  std::mutex mutex_;
  std::deque<std::vector<uint8_t>> queue_;
  std::vector<std::vector<uint8_t>> pool_;
  std::atomic<bool> pending_{false};
  std::atomic<bool> open_{false};
  std::atomic<uint64_t> dropped_{0};
  std::function<bool()> ring_;
};

}  // namespace qautlra_ctp
