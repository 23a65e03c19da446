// bench:ctp's floor: the fake market-data front writing into a bare C++ counter — the same library, script
// and callbacks as the addon's path, with nothing done per tick but an increment.
// Usage: ctp_floor <library.so> <script path> <ticks>; prints {"ticks":…,"seconds":…}.
#include <dlfcn.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "ctp_api.h"

namespace {

using Create = CThostFtdcMdApi* (*)(const char*, bool, bool);

class Counter final : public CThostFtdcMdSpi {
 public:
  CThostFtdcMdApi* api = nullptr;
  std::atomic<long> ticks{0};
  std::chrono::steady_clock::time_point first, last;

  void OnFrontConnected() override {
    CThostFtdcReqUserLoginField login;
    std::memset(&login, 0, sizeof login);
    api->ReqUserLogin(&login, 1);
  }
  void OnRspUserLogin(CThostFtdcRspUserLoginField*, CThostFtdcRspInfoField*, int, bool) override {
    char id[] = "rb2605";
    char* ids[] = {id};
    api->SubscribeMarketData(ids, 1);
  }
  void OnRtnDepthMarketData(CThostFtdcDepthMarketDataField*) override {
    const auto now = std::chrono::steady_clock::now();
    if (ticks.fetch_add(1) == 0) first = now;
    last = now;
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: ctp_floor <library.so> <script> <ticks>\n");
    return 2;
  }
  void* handle = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    std::fprintf(stderr, "%s\n", dlerror());
    return 1;
  }
  auto create = reinterpret_cast<Create>(dlsym(handle, "_ZN15CThostFtdcMdApi15CreateFtdcMdApiEPKcbb"));
  if (!create) return 1;
  const long want = std::atol(argv[3]);
  Counter counter;
  counter.api = create("/tmp/", false, false);
  counter.api->RegisterSpi(&counter);
  std::string front = std::string("script://") + argv[2];
  counter.api->RegisterFront(front.data());
  counter.api->Init();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (counter.ticks.load() < want && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const double seconds = std::chrono::duration<double>(counter.last - counter.first).count();
  std::printf("{\"ticks\":%ld,\"seconds\":%.6f}\n", counter.ticks.load(), seconds);
  counter.api->Release();
  return 0;
}
