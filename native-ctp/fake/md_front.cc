// Fake CTP market-data front: thostmduserapi_se.so with the vendor's ABI, playing a script.
//
// Script commands (see fake_common.h for the format):
//   journal <path>                 append what the front receives to <path>
//   instruments <id> …             the listed instruments; others are refused (16 找不到合约)
//   trading_day <YYYYMMDD>         the day in login responses and GetTradingDay (default: Beijing's date)
//   login_error <code> <message>   the next login fails with it (message with \xHH escapes)
//   connect                        OnFrontConnected (the first connect and every reconnect)
//   disconnect <reason>            OnFrontDisconnected(reason); login and subscriptions are gone
//   wait_login [ms]                wait until a login succeeded (at most ms, default 10000)
//   wait_subscribed <id> [ms]      wait until <id> is subscribed
//   wait_file <path> [ms]          wait until <path> exists (a test's signal)
//   tick <id> Field=value …        one OnRtnDepthMarketData, if <id> is subscribed (MAX = DBL_MAX)
//   burst <id> <count> Field=value …  <count> ticks at once; Volume and UpdateMillisec count up
//   sleep <ms>
//   mark / loop                    loop jumps back to the line after mark
//   walk <ms> <id>=<price>:<tick> …  from here on, every <ms> a random-walk tick of each subscribed <id>,
//                                  stamped with the current Beijing time (the demo's endless market)
#include <ctime>
#include <set>

#include "fake_common.h"

namespace {

using fake_ctp::Words;

const char kNotFound[] = "\xd5\xd2\xb2\xbb\xb5\xbd\xba\xcf\xd4\xbc";   // 找不到合约
const char kNotLoggedIn[] = "\xbb\xb9\xc3\xbb\xd3\xd0\xb5\xc7\xc2\xbc";  // 还没有登录

class FakeMdApi final : public CThostFtdcMdApi {
 public:
  // Until the script names one, the trading day is today's date in Beijing.
  explicit FakeMdApi(std::string flow) : flow_(std::move(flow)), trading_day_(fake_ctp::BeijingDay()) {}

  void Release() override {
    worker_.Stop();
    delete this;
  }

  void Init() override {
    if (started_) return;
    started_ = true;
    worker_.Start([this] { return Step(); });
  }

  int Join() override { return 0; }

  const char* GetTradingDay() override { return trading_day_.c_str(); }

  void RegisterFront(char* address) override {
    if (address) script_.Load(address);
  }
  void RegisterNameServer(char*) override {}
  void RegisterFensUserInfo(CThostFtdcFensUserInfoField*) override {}
  void RegisterSpi(CThostFtdcMdSpi* spi) override { spi_ = spi; }

  int SubscribeMarketData(char* ids[], int count) override { return Subscription(ids, count, true); }
  int UnSubscribeMarketData(char* ids[], int count) override { return Subscription(ids, count, false); }
  int SubscribeForQuoteRsp(char*[], int) override { return 0; }
  int UnSubscribeForQuoteRsp(char*[], int) override { return 0; }

  int ReqUserLogin(CThostFtdcReqUserLoginField* request, int id) override {
    if (!request) return -1;
    CThostFtdcReqUserLoginField copy = *request;
    journal_.Write(std::string("ReqUserLogin broker=") + copy.BrokerID + " user=" + copy.UserID);
    worker_.Post([this, copy, id] {
      CThostFtdcRspUserLoginField rsp;
      std::memset(&rsp, 0, sizeof rsp);
      std::memcpy(rsp.TradingDay, trading_day_.c_str(), std::min<size_t>(8, trading_day_.size()));
      std::memcpy(rsp.BrokerID, copy.BrokerID, sizeof rsp.BrokerID);
      std::memcpy(rsp.UserID, copy.UserID, sizeof rsp.UserID);
      CThostFtdcRspInfoField info = fake_ctp::RspInfo(0, "");
      if (login_error_code_) {
        info = fake_ctp::RspInfo(login_error_code_, login_error_message_);
        login_error_code_ = 0;
      } else {
        logged_in_ = true;
      }
      if (spi_) spi_->OnRspUserLogin(&rsp, &info, id, true);
    });
    return 0;
  }

  int ReqUserLogout(CThostFtdcUserLogoutField*, int) override { return 0; }

#if QAUTLRA_CTP_LAYOUT_NUMBER >= 60501
  // 6.3.19+: the multicast instruments of a topic — here the script's listed instruments, numbered from 1.
  int ReqQryMulticastInstrument(CThostFtdcQryMulticastInstrumentField* request, int id) override {
    if (!request) return -1;
    const int topic = request->TopicID;
    journal_.Write("ReqQryMulticastInstrument topic=" + std::to_string(topic));
    worker_.Post([this, topic, id] {
      int number = 0;
      for (const std::string& instrument : instruments_) {
        CThostFtdcMulticastInstrumentField field;
        std::memset(&field, 0, sizeof field);
        field.TopicID = topic;
        std::memcpy(field.InstrumentID, instrument.data(), std::min(instrument.size(), sizeof field.InstrumentID - 1));
        field.InstrumentNo = ++number;
        if (spi_) spi_->OnRspQryMulticastInstrument(&field, nullptr, id, number == static_cast<int>(instruments_.size()));
      }
      if (instruments_.empty() && spi_) spi_->OnRspQryMulticastInstrument(nullptr, nullptr, id, true);
    });
    return 0;
  }
#endif

 private:
  int Subscription(char* ids[], int count, bool subscribe) {
    if (!ids || count <= 0) return -1;
    std::vector<std::string> list;
    for (int i = 0; i < count; i++) {
      if (!ids[i]) return -1;
      list.emplace_back(ids[i], strnlen(ids[i], 80));
      journal_.Write(std::string(subscribe ? "Subscribe " : "Unsubscribe ") + list.back());
    }
    worker_.Post([this, list, subscribe] {
      for (size_t i = 0; i < list.size(); i++) {
        CThostFtdcSpecificInstrumentField field;
        std::memset(&field, 0, sizeof field);
        std::memcpy(field.InstrumentID, list[i].data(), std::min(list[i].size(), sizeof field.InstrumentID - 1));
        CThostFtdcRspInfoField refusal{};
        CThostFtdcRspInfoField* info = nullptr;  // success comes with a NULL pRspInfo
        if (!logged_in_) {
          refusal = fake_ctp::RspInfo(6, kNotLoggedIn);
          info = &refusal;
        } else if (!instruments_.empty() && !instruments_.count(list[i])) {
          refusal = fake_ctp::RspInfo(16, kNotFound);
          info = &refusal;
        } else if (subscribe) {
          subscribed_.insert(list[i]);
        } else {
          subscribed_.erase(list[i]);
        }
        const bool last = i + 1 == list.size();
        if (!spi_) continue;
        if (subscribe) spi_->OnRspSubMarketData(&field, info, 0, last);
        else spi_->OnRspUnSubMarketData(&field, info, 0, last);
      }
      worker_.Notify();
    });
    return 0;
  }

  void Push(const std::string& id, CThostFtdcDepthMarketDataField tick) {
    if (!subscribed_.count(id)) return;
    std::memset(tick.InstrumentID, 0, sizeof tick.InstrumentID);
    std::memcpy(tick.InstrumentID, id.data(), std::min(id.size(), sizeof tick.InstrumentID - 1));
    if (tick.TradingDay[0] == 0) std::memcpy(tick.TradingDay, trading_day_.c_str(), 8);
    if (spi_) spi_->OnRtnDepthMarketData(&tick);
  }

  struct Walker {
    std::string id;
    double start, price, tick, turnover = 0, interest = 0;
    int volume = 0;
  };

  // One round of the walk: each subscribed instrument moves by -1, 0 or +1 tick.
  void WalkRound() {
    using namespace std::chrono;
    const auto now = system_clock::now() + hours(8);  // Beijing
    const auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count();
    const std::time_t secs = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char day[9], time[9];
    std::strftime(day, sizeof day, "%Y%m%d", &tm);
    std::strftime(time, sizeof time, "%H:%M:%S", &tm);
    for (auto& w : walkers_) {
      seed_ = seed_ * 6364136223846793005ULL + 1442695040888963407ULL;
      const int step = static_cast<int>((seed_ >> 33) % 3) - 1;
      const int lots = 1 + static_cast<int>((seed_ >> 40) % 20);
      w.price = std::max(w.tick, w.price + step * w.tick);
      w.volume += lots;
      w.turnover += w.price * lots * 10;
      w.interest = std::max(0.0, w.interest + ((seed_ >> 50) % 2 ? lots : -lots));
      CThostFtdcDepthMarketDataField t;
      std::memset(&t, 0, sizeof t);
      std::memcpy(t.TradingDay, day, 8);
      std::memcpy(t.ActionDay, day, 8);
      std::memcpy(t.UpdateTime, time, 8);
      t.UpdateMillisec = static_cast<int>(ms % 1000);
      t.LastPrice = w.price;
      t.PreSettlementPrice = w.start;
      t.PreClosePrice = w.start;
      t.OpenPrice = w.start;
      t.HighestPrice = std::max(w.start, w.price);
      t.LowestPrice = std::min(w.start, w.price);
      t.Volume = w.volume;
      t.Turnover = w.turnover;
      t.OpenInterest = w.interest;
      t.PreOpenInterest = 100000;
      t.ClosePrice = DBL_MAX;
      t.SettlementPrice = DBL_MAX;
      t.UpperLimitPrice = w.start * 1.07;
      t.LowerLimitPrice = w.start * 0.93;
      t.BidPrice1 = w.price - w.tick;
      t.AskPrice1 = w.price + w.tick;
      t.BidVolume1 = 1 + static_cast<int>((seed_ >> 20) % 50);
      t.AskVolume1 = 1 + static_cast<int>((seed_ >> 26) % 50);
      t.AveragePrice = w.volume ? w.turnover / w.volume : 0;
      Push(w.id, t);
    }
  }

  // One script step; false when the script is over or waiting.
  bool Step() {
    if (walk_ms_ > 0) {
      WalkRound();
      worker_.Sleep(walk_ms_);
      return true;
    }
    const std::vector<std::string> w = script_.Current();
    if (w.empty()) return false;
    const std::string& command = w[0];
    auto arg = [&](size_t i, const char* fallback) { return fake_ctp::Arg(w, i, fallback); };
    if (command == "wait_login") return script_.Wait(logged_in_.load(), std::atoi(arg(1, "10000").c_str()));
    if (command == "wait_file")
      return script_.Wait(std::ifstream(arg(1, "")).good(), std::atoi(arg(2, "10000").c_str()));
    if (command == "wait_subscribed")
      return script_.Wait(subscribed_.count(arg(1, "")) > 0, std::atoi(arg(2, "10000").c_str()));
    script_.Next();
    if (command == "journal") {
      journal_.Open(arg(1, ""));
    } else if (command == "instruments") {
      instruments_.insert(w.begin() + 1, w.end());
    } else if (command == "trading_day") {
      trading_day_ = arg(1, "20260105");
    } else if (command == "login_error") {
      login_error_code_ = std::atoi(arg(1, "3").c_str());
      login_error_message_ = fake_ctp::Unescape(arg(2, ""));
    } else if (command == "connect") {
      journal_.Write("Connected");
      if (spi_) spi_->OnFrontConnected();
    } else if (command == "disconnect") {
      logged_in_ = false;
      subscribed_.clear();
      journal_.Write("Disconnected");
      if (spi_) spi_->OnFrontDisconnected(std::atoi(arg(1, "4097").c_str()));
    } else if (command == "tick") {
      Push(arg(1, ""), fake_ctp::Image<CThostFtdcDepthMarketDataField>("CThostFtdcDepthMarketDataField", w, 2));
    } else if (command == "burst") {
      auto tick = fake_ctp::Image<CThostFtdcDepthMarketDataField>("CThostFtdcDepthMarketDataField", w, 3);
      const long count = std::atol(arg(2, "1").c_str());
      for (long i = 0; i < count && !worker_.Stopped(); i++) {
        tick.Volume += 1;
        tick.UpdateMillisec = static_cast<int>(i % 1000);
        Push(arg(1, ""), tick);
      }
    } else if (command == "sleep") {
      worker_.Sleep(std::atoi(arg(1, "0").c_str()));
    } else if (command == "walk") {
      walk_ms_ = std::max(1, std::atoi(arg(1, "500").c_str()));
      for (size_t i = 2; i < w.size(); i++) {
        const size_t eq = w[i].find('='), colon = w[i].find(':');
        if (eq == std::string::npos || colon == std::string::npos || colon < eq) continue;
        const double price = std::atof(w[i].substr(eq + 1, colon - eq - 1).c_str());
        const double tick = std::atof(w[i].substr(colon + 1).c_str());
        if (price > 0 && tick > 0) walkers_.push_back({w[i].substr(0, eq), price, price, tick});
      }
    } else if (command == "mark") {
      script_.Mark();
    } else if (command == "loop") {
      script_.Loop();
    }
    return true;
  }

  const std::string flow_;
  std::string trading_day_;
  fake_ctp::Script script_;
  int walk_ms_ = 0;
  std::vector<Walker> walkers_;
  unsigned long long seed_ = 20260105;
  bool started_ = false;
  CThostFtdcMdSpi* spi_ = nullptr;
  fake_ctp::Journal journal_;
  std::set<std::string> instruments_;
  std::set<std::string> subscribed_;
  int login_error_code_ = 0;
  std::string login_error_message_;
  std::atomic<bool> logged_in_{false};
  fake_ctp::Worker worker_;
};

}  // namespace

CThostFtdcMdApi* CThostFtdcMdApi::CreateFtdcMdApi(const char* flow, const bool, const bool) {
  return new FakeMdApi(flow ? flow : "");
}

// The 6.7.11 creator, `CreateFtdcMdApi(const char*, bool, bool, bool bIsProductionMode)`, exported by the
// 6.5.1-layout fake beside the older one (a vendor library has one or the other), so the binding's path for
// 6.7.11 libraries runs in the tests. The class as generated declares the three-argument static only; the
// asm label gives this function the vendor's mangled name.
#if QAUTLRA_CTP_LAYOUT_NUMBER >= 60501
CThostFtdcMdApi* CreateProductionMdApi(const char* flow, bool, bool, bool)
    __asm__("_ZN15CThostFtdcMdApi15CreateFtdcMdApiEPKcbbb");
__attribute__((visibility("default"))) CThostFtdcMdApi* CreateProductionMdApi(const char* flow, bool, bool, bool) {
  return new FakeMdApi(flow ? flow : "");
}
#endif

// QAUTLRA_FAKE_CTP_VERSION stands in for another vendor version (the tests of the version guard).
const char* CThostFtdcMdApi::GetApiVersion() {
  const char* other = std::getenv("QAUTLRA_FAKE_CTP_VERSION");
  return other && *other ? other : "qautlra-fake-md v" QAUTLRA_CTP_LAYOUT;
}
