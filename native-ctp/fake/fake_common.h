// Shared parts of the fake CTP fronts: the script, struct fields set by name, the journal, the worker loop.
//
// A fake front is a shared library with the vendor's ABI (the same exported statics, vtable order and struct
// sizes, from the generated header) that answers requests and plays a script instead of talking to a front.
// Its script is named by the front address: RegisterFront("script:///abs/path.txt"). One command per line,
// '#' starts a comment; values take \xHH escapes (GB18030 bytes, spaces).
#pragma once

#include <atomic>
#include <cfloat>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <deque>
#include <fstream>
#include <functional>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "ctp_tables.h"

namespace fake_ctp {

inline std::string Unescape(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); i++) {
    if (text[i] == '\\' && i + 3 < text.size() && text[i + 1] == 'x') {
      out.push_back(static_cast<char>(std::strtol(text.substr(i + 2, 2).c_str(), nullptr, 16)));
      i += 3;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

inline std::vector<std::string> Words(const std::string& line) {
  std::vector<std::string> words;
  std::istringstream in(line);
  std::string word;
  while (in >> word) words.push_back(word);
  return words;
}

// Sets `Field=value` on a struct image by the generated field table. Unknown fields are ignored.
inline void SetField(const char* structure, void* image, const std::string& assignment) {
  const size_t eq = assignment.find('=');
  if (eq == std::string::npos) return;
  const std::string name = assignment.substr(0, eq);
  const std::string value = Unescape(assignment.substr(eq + 1));
  for (const auto& f : qautlra_ctp::kFieldOffsets) {
    if (std::strcmp(f.structure, structure) != 0 || name != f.field) continue;
    char* at = static_cast<char*>(image) + f.offset;
    switch (f.kind) {
      case 'a':
        std::memset(at, 0, f.size);
        std::memcpy(at, value.data(), std::min(value.size(), f.size - 1));
        break;
      case 'c':
        *at = value.empty() ? 0 : value[0];
        break;
      case 'i': {
        int v = std::atoi(value.c_str());
        std::memcpy(at, &v, sizeof v);
        break;
      }
      case 's': {
        short v = static_cast<short>(std::atoi(value.c_str()));
        std::memcpy(at, &v, sizeof v);
        break;
      }
      case 'd': {
        double v = value == "MAX" ? DBL_MAX : std::strtod(value.c_str(), nullptr);
        std::memcpy(at, &v, sizeof v);
        break;
      }
      default:
        break;
    }
    return;
  }
}

template <class T>
T Image(const char* structure, const std::vector<std::string>& words, size_t from) {
  T value;
  std::memset(&value, 0, sizeof value);
  for (size_t i = from; i < words.size(); i++) SetField(structure, &value, words[i]);
  return value;
}

inline CThostFtdcRspInfoField RspInfo(int code, const std::string& message) {
  CThostFtdcRspInfoField info;
  std::memset(&info, 0, sizeof info);
  info.ErrorID = code;
  std::memcpy(info.ErrorMsg, message.data(), std::min(message.size(), sizeof info.ErrorMsg - 1));
  return info;
}

// An append-only record of what the front received ("ReqUserLogin user=…", "Subscribe rb2601"), for tests.
class Journal {
 public:
  void Open(const std::string& path) {
    std::lock_guard<std::mutex> lock(mutex_);
    path_ = path;
  }
  void Write(const std::string& line) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (path_.empty()) return;
    std::ofstream out(path_, std::ios::app);
    out << line << "\n";
  }

 private:
  std::mutex mutex_;
  std::string path_;
};

// The front's one thread: it runs tasks posted by requests (responses) and the script's commands, so every
// callback comes from a thread of the library, as with the vendor's.
class Worker {
 public:
  ~Worker() { Stop(); }

  void Start(std::function<bool()> step) {
    step_ = std::move(step);
    thread_ = std::thread([this] { Run(); });
  }

  void Post(std::function<void()> task) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      tasks_.push_back(std::move(task));
    }
    wake_.notify_all();
  }

  // Wakes the script, e.g. after a request changed what it waits for.
  void Notify() { wake_.notify_all(); }

  // Waits up to `ms` unless stopped or woken; false once stopped.
  bool Sleep(int ms) {
    std::unique_lock<std::mutex> lock(mutex_);
    wake_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stop_ || !tasks_.empty(); });
    return !stop_;
  }

  bool Stopped() const { return stop_; }

  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
  }

  // Runs posted tasks now (from the worker thread, between script steps).
  void RunTasks() {
    for (;;) {
      std::function<void()> task;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (tasks_.empty() || stop_) return;
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
      task();
    }
  }

 private:
  void Run() {
    while (!stop_) {
      RunTasks();
      if (stop_) break;
      // step_ returns false when the script is over or waiting: then sleep until a task or a tick of time.
      if (!step_()) Sleep(20);
    }
  }

  std::function<bool()> step_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;
  std::atomic<bool> stop_{false};
};

// The time in Beijing now, formatted (strftime): "%Y%m%d" a day, "%H:%M:%S" a CTP time.
inline std::string Beijing(const char* format) {
  const std::time_t now = std::time(nullptr) + 8 * 3600;
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, format, &tm);
  return text;
}

// Today's date in Beijing, YYYYMMDD (the fronts' default trading day).
inline std::string BeijingDay() { return Beijing("%Y%m%d"); }

// The script named by a front address (`script:///abs/path.txt`), stepped one command at a time.
class Script {
 public:
  void Load(const std::string& front) {
    const std::string prefix = "script://";
    if (!lines_.empty() || front.compare(0, prefix.size(), prefix) != 0) return;
    std::ifstream in(front.substr(prefix.size()));
    std::string line;
    while (std::getline(in, line)) {
      const size_t hash = line.find('#');
      if (hash != std::string::npos) line.resize(hash);
      if (!Words(line).empty()) lines_.push_back(line);
    }
  }

  // The current command's words; empty when the script is over.
  std::vector<std::string> Current() const { return next_ < lines_.size() ? Words(lines_[next_]) : std::vector<std::string>{}; }

  // Passes the current command.
  void Next() { next_++; }

  // A wait on the current command: true (and passed) once `done`, or once `timeout_ms` from its first try.
  bool Wait(bool done, int timeout_ms) {
    const auto now = std::chrono::steady_clock::now();
    if (!waiting_) {
      waiting_ = true;
      deadline_ = now + std::chrono::milliseconds(timeout_ms);
    }
    if (!done && now < deadline_) return false;
    waiting_ = false;
    next_++;
    return true;
  }

  void Mark() { mark_ = next_; }
  void Loop() { next_ = mark_; }

 private:
  std::vector<std::string> lines_;
  size_t next_ = 0;
  size_t mark_ = 0;
  bool waiting_ = false;
  std::chrono::steady_clock::time_point deadline_;
};

// Argument i of a command's words, or the fallback.
inline std::string Arg(const std::vector<std::string>& words, size_t i, const char* fallback) {
  return i < words.size() ? words[i] : std::string(fallback);
}

}  // namespace fake_ctp
