// Node-API binding of CTP's MdApi and TraderApi. The library (SFIT's, openctp's or our fake front) is loaded
// with dlopen from a path given at run time, so libraries swap without rebuilding; the API object is created
// through the library's exported statics and driven through its virtual interface, and the SPI subclasses
// generated from the catalog copy every callback into a Channel. Struct images cross as bytes: the
// TypeScript side encodes requests and decodes events with the same catalog's layout (checked against the
// compiler's offsets by the tests).
#include <dlfcn.h>
#include <napi.h>

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "channel.h"
#include "ctp_tables.h"

namespace qautlra_ctp {
namespace {

// Init and Release are not thread-safe in the vendor's library (official manual): one lock around both.
std::mutex g_lifecycle;

constexpr const char* kMdCreate = "_ZN15CThostFtdcMdApi15CreateFtdcMdApiEPKcbb";
// 6.7.11 adds `bool bIsProductionMode` (spec market-data-sources §A.1); a library exports one or the other.
constexpr const char* kMdCreateProduction = "_ZN15CThostFtdcMdApi15CreateFtdcMdApiEPKcbbb";
constexpr const char* kMdVersion = "_ZN15CThostFtdcMdApi13GetApiVersionEv";
constexpr const char* kTraderCreate = "_ZN19CThostFtdcTraderApi19CreateFtdcTraderApiEPKc";
constexpr const char* kTraderVersion = "_ZN19CThostFtdcTraderApi13GetApiVersionEv";

using MdCreate = CThostFtdcMdApi* (*)(const char*, bool, bool);
using MdCreateProduction = CThostFtdcMdApi* (*)(const char*, bool, bool, bool);
using TraderCreate = CThostFtdcTraderApi* (*)(const char*);
using Version = const char* (*)();

// Libraries stay loaded for the life of the process: vendor libraries run threads and do not unload.
void* Load(Napi::Env env, const std::string& path) {
  static std::mutex mutex;
  static std::map<std::string, void*> loaded;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = loaded.find(path);
  if (it != loaded.end()) return it->second;
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = dlerror();
    Napi::Error::New(env, std::string("cannot load CTP library ") + path + ": " + (why ? why : "unknown"))
        .ThrowAsJavaScriptException();
    return nullptr;
  }
  loaded[path] = handle;
  return handle;
}

void* Symbol(Napi::Env env, void* handle, const std::string& path, const char* name) {
  void* fn = dlsym(handle, name);
  if (!fn) Napi::Error::New(env, path + " does not export " + name).ThrowAsJavaScriptException();
  return fn;
}

std::vector<std::string> Strings(const Napi::Value& value) {
  std::vector<std::string> out;
  if (!value.IsArray()) return out;
  Napi::Array array = value.As<Napi::Array>();
  for (uint32_t i = 0; i < array.Length(); i++) {
    Napi::Value item = array.Get(i);
    if (item.IsString()) out.push_back(item.As<Napi::String>().Utf8Value());
  }
  return out;
}

class Session;
void CallJsOf(Napi::Env env, Napi::Function fn, Session* self, void* data);
using Doorbell = Napi::TypedThreadSafeFunction<Session, void, CallJsOf>;

class Session : public Napi::ObjectWrap<Session> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "NativeSession",
                       {
                           InstanceMethod<&Session::RegisterFront>("registerFront"),
                           InstanceMethod<&Session::Init>("init"),
                           InstanceMethod<&Session::Subscribe>("subscribe"),
                           InstanceMethod<&Session::Unsubscribe>("unsubscribe"),
                           InstanceMethod<&Session::SubscribeTopic>("subscribeTopic"),
                           InstanceMethod<&Session::Request>("request"),
                           InstanceMethod<&Session::TradingDay>("tradingDay"),
                           InstanceMethod<&Session::Dropped>("dropped"),
                           InstanceMethod<&Session::Pull>("drain"),
                           InstanceMethod<&Session::Close>("close"),
                       });
  }

  // new NativeSession(kind: 'md' | 'trader', library, flowPath, capacity, onReady()): onReady is called (on the
  // JS thread) when records wait; drain() takes them.
  explicit Session(const Napi::CallbackInfo& info)
      : Napi::ObjectWrap<Session>(info), channel_(info[3].IsNumber() ? info[3].As<Napi::Number>().Uint32Value() : 0) {
    Napi::Env env = info.Env();
    if (info.Length() < 5 || !info[0].IsString() || !info[1].IsString() || !info[2].IsString() ||
        !info[4].IsFunction()) {
      Napi::TypeError::New(env, "NativeSession(kind, library, flowPath, capacity, onEvents)")
          .ThrowAsJavaScriptException();
      return;
    }
    const std::string kind = info[0].As<Napi::String>().Utf8Value();
    const std::string library = info[1].As<Napi::String>().Utf8Value();
    const std::string flow = info[2].As<Napi::String>().Utf8Value();
    md_kind_ = kind == "md";
    if (!md_kind_ && kind != "trader") {
      Napi::TypeError::New(env, "kind is 'md' or 'trader'").ThrowAsJavaScriptException();
      return;
    }
    if (!md_kind_ && !kTraderLayout) {
      Napi::Error::New(env, std::string("the ") + QAUTLRA_CTP_LAYOUT +
                                " layout drives market data only; trade through a 6.3.15 library")
          .ThrowAsJavaScriptException();
      return;
    }
    void* handle = Load(env, library);
    if (!handle) return;
    void* production = md_kind_ ? dlsym(handle, kMdCreateProduction) : nullptr;
    void* create = production ? production : Symbol(env, handle, library, md_kind_ ? kMdCreate : kTraderCreate);
    if (!create) return;
    on_events_ = Napi::Persistent(info[4].As<Napi::Function>());
    {
      std::lock_guard<std::mutex> lock(g_lifecycle);
      if (md_kind_) {
        // TCP front (not UDP, not multicast); a production-mode library in production mode.
        md_ = production ? reinterpret_cast<MdCreateProduction>(create)(flow.c_str(), false, false, true)
                         : reinterpret_cast<MdCreate>(create)(flow.c_str(), false, false);
        if (md_) {
          md_spi_ = std::make_unique<MdSpiImpl<Channel>>(&channel_);
          md_->RegisterSpi(md_spi_.get());
        }
      } else {
        trader_ = reinterpret_cast<TraderCreate>(create)(flow.c_str());
        if (trader_) {
          trader_spi_ = std::make_unique<TraderSpiImpl<Channel>>(&channel_);
          trader_->RegisterSpi(trader_spi_.get());
        }
      }
    }
    if (!md_ && !trader_) {
      Napi::Error::New(env, "the CTP library returned no API object").ThrowAsJavaScriptException();
      return;
    }
    // The doorbell runs Deliver on the JS thread; the TSFN keeps the loop alive until close().
    tsfn_ = Doorbell::New(env, "ctp-events", 0, 1, this);
    opened_ = true;
    channel_.Start([this]() { return tsfn_.NonBlockingCall() == napi_ok; });
  }

  ~Session() override { Shutdown(); }

  static Napi::Value ApiVersion(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (info.Length() < 2 || !info[0].IsString() || !info[1].IsString()) {
      Napi::TypeError::New(env, "apiVersion(kind, library)").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    const bool md = info[0].As<Napi::String>().Utf8Value() == "md";
    const std::string library = info[1].As<Napi::String>().Utf8Value();
    void* handle = Load(env, library);
    if (!handle) return env.Undefined();
    void* fn = Symbol(env, handle, library, md ? kMdVersion : kTraderVersion);
    if (!fn) return env.Undefined();
    const char* version = reinterpret_cast<Version>(fn)();
    return Napi::String::New(env, version ? version : "");
  }

 private:
  bool Alive(Napi::Env env) {
    if (closed_ || (!md_ && !trader_)) {
      Napi::Error::New(env, "the session is closed").ThrowAsJavaScriptException();
      return false;
    }
    return true;
  }

  Napi::Value RegisterFront(const Napi::CallbackInfo& info) {
    if (!Alive(info.Env()) || !info[0].IsString()) return info.Env().Undefined();
    std::string address = info[0].As<Napi::String>().Utf8Value();
    if (md_) md_->RegisterFront(address.data());
    else trader_->RegisterFront(address.data());
    return info.Env().Undefined();
  }

  Napi::Value Init(const Napi::CallbackInfo& info) {
    if (!Alive(info.Env())) return info.Env().Undefined();
    std::lock_guard<std::mutex> lock(g_lifecycle);
    if (md_) md_->Init();
    else trader_->Init();
    return info.Env().Undefined();
  }

  Napi::Value SubscribeList(const Napi::CallbackInfo& info, bool subscribe) {
    Napi::Env env = info.Env();
    if (!Alive(env) || !md_) {
      if (!md_ && !closed_) Napi::Error::New(env, "not a market-data session").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    std::vector<std::string> ids = Strings(info[0]);
    std::vector<char*> pointers;
    for (auto& id : ids) pointers.push_back(id.data());
    const int count = static_cast<int>(pointers.size());
    const int code = subscribe ? md_->SubscribeMarketData(pointers.data(), count)
                               : md_->UnSubscribeMarketData(pointers.data(), count);
    return Napi::Number::New(env, code);
  }
  Napi::Value Subscribe(const Napi::CallbackInfo& info) { return SubscribeList(info, true); }
  Napi::Value Unsubscribe(const Napi::CallbackInfo& info) { return SubscribeList(info, false); }

  // subscribeTopic(private: boolean, resumeType) — before init(), trader sessions only.
  Napi::Value SubscribeTopic(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!Alive(env)) return env.Undefined();
    if (!trader_ || !info[1].IsNumber()) {
      Napi::TypeError::New(env, "subscribeTopic(private, resumeType) on a trader session")
          .ThrowAsJavaScriptException();
      return env.Undefined();
    }
    const int type = info[1].As<Napi::Number>().Int32Value();
    if (type < THOST_TERT_RESTART || type > THOST_TERT_NONE) {
      Napi::RangeError::New(env, "resume type 0..3").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    const auto resume = static_cast<THOST_TE_RESUME_TYPE>(type);
    if (info[0].ToBoolean()) trader_->SubscribePrivateTopic(resume);
    else trader_->SubscribePublicTopic(resume);
    return env.Undefined();
  }

  // request(methodIndex, structImage: Buffer, requestId) → the library's return code.
  Napi::Value Request(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!Alive(env)) return env.Undefined();
    if (!info[0].IsNumber() || !info[1].IsBuffer() || !info[2].IsNumber()) {
      Napi::TypeError::New(env, "request(index, buffer, requestId)").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    Napi::Buffer<uint8_t> image = info[1].As<Napi::Buffer<uint8_t>>();
    // The library gets its own zeroed copy: nothing it reads can run past the struct or change under it.
    std::vector<uint8_t> copy(image.Data(), image.Data() + image.Length());
    const int index = info[0].As<Napi::Number>().Int32Value();
    const int id = info[2].As<Napi::Number>().Int32Value();
    const int code = md_ ? CallMdRequest(md_, index, copy.data(), copy.size(), id)
                         : CallTraderRequest(trader_, index, copy.data(), copy.size(), id);
    return Napi::Number::New(env, code);
  }

  Napi::Value TradingDay(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!Alive(env)) return env.Undefined();
    const char* day = md_ ? md_->GetTradingDay() : trader_->GetTradingDay();
    return Napi::String::New(env, day ? std::string(day, strnlen(day, 9)) : "");
  }

  Napi::Value Dropped(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(channel_.Dropped()));
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    Shutdown();
    return info.Env().Undefined();
  }

  // Release the API once (its threads stop inside Release), drop what is queued and what arrives later,
  // then let the loop go.
  void Shutdown() {
    if (closed_) return;
    closed_ = true;
    channel_.Close();
    {
      std::lock_guard<std::mutex> lock(g_lifecycle);
      if (md_) md_->Release();
      if (trader_) trader_->Release();
    }
    md_ = nullptr;
    trader_ = nullptr;
    md_spi_.reset();
    trader_spi_.reset();
    if (opened_) tsfn_.Release();
  }

  friend void CallJsOf(Napi::Env, Napi::Function, Session*, void*);
  static void CallJs(Napi::Env env, Napi::Function, Session* self, void*) {
    if (env != nullptr && self != nullptr) self->Deliver(env);
  }

  // The doorbell: tell JS that records wait; it pulls them with drain().
  void Deliver(Napi::Env env) {
    if (closed_) return;
    Napi::HandleScope scope(env);
    on_events_.Call({});
  }

  // drain(limit) → [buffer, count, remaining], or undefined when nothing waits or the session is closed.
  Napi::Value Pull(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (closed_) return env.Undefined();
    const size_t limit = info[0].IsNumber() ? std::max<uint32_t>(1, info[0].As<Napi::Number>().Uint32Value()) : 4096;
    std::vector<uint8_t> bytes;
    size_t remaining = 0;
    const size_t count = channel_.Drain(limit, &bytes, &remaining);
    if (count == 0) return env.Undefined();
    Napi::Array result = Napi::Array::New(env, 3);
    result.Set(0u, Napi::Buffer<uint8_t>::Copy(env, bytes.data(), bytes.size()));
    result.Set(1u, Napi::Number::New(env, static_cast<double>(count)));
    result.Set(2u, Napi::Number::New(env, static_cast<double>(remaining)));
    return result;
  }

  bool md_kind_ = true;
  bool closed_ = false;
  bool opened_ = false;
  CThostFtdcMdApi* md_ = nullptr;
  CThostFtdcTraderApi* trader_ = nullptr;
  Channel channel_;
  std::unique_ptr<MdSpiImpl<Channel>> md_spi_;
  std::unique_ptr<TraderSpiImpl<Channel>> trader_spi_;
  Napi::FunctionReference on_events_;
  Doorbell tsfn_;
};

void CallJsOf(Napi::Env env, Napi::Function fn, Session* self, void* data) { Session::CallJs(env, fn, self, data); }

// layout() → { sizes: {struct: bytes}, offsets: [[struct, field, offset], …], recordHeader, maxStruct }
Napi::Value Layout(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object result = Napi::Object::New(env);
  Napi::Object sizes = Napi::Object::New(env);
  for (const auto& s : kStructSizes) sizes.Set(s.structure, Napi::Number::New(env, static_cast<double>(s.size)));
  Napi::Array offsets = Napi::Array::New(env);
  uint32_t i = 0;
  for (const auto& f : kFieldOffsets) {
    Napi::Array row = Napi::Array::New(env, 3);
    row.Set(0u, f.structure);
    row.Set(1u, f.field);
    row.Set(2u, Napi::Number::New(env, static_cast<double>(f.offset)));
    offsets.Set(i++, row);
  }
  result.Set("sizes", sizes);
  result.Set("offsets", offsets);
  result.Set("recordHeader", Napi::Number::New(env, static_cast<double>(kRecordHeader)));
  result.Set("maxStruct", Napi::Number::New(env, static_cast<double>(kMaxStructSize)));
  result.Set("layout", Napi::String::New(env, QAUTLRA_CTP_LAYOUT));
  return result;
}

Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  exports.Set("NativeSession", Session::Define(env));
  exports.Set("apiVersion", Napi::Function::New(env, Session::ApiVersion));
  exports.Set("layout", Napi::Function::New(env, Layout));
  return exports;
}

}  // namespace
}  // namespace qautlra_ctp

static Napi::Object Init(Napi::Env env, Napi::Object exports) { return qautlra_ctp::InitModule(env, exports); }

NODE_API_MODULE(qautlra_ctp, Init)
