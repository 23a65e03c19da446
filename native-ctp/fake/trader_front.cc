// Fake CTP trader front: thosttraderapi_se.so with the vendor's ABI. It keeps one investor's futures account
// (cash, positions with today/yesterday lots, orders, trades), answers authentication, login, settlement
// confirmation, order insert/cancel and the queries CTP clients make, replays the private flow after a
// reconnect, and refuses what a real front refuses (codes and GB18030 messages of error.xml).
//
// Script commands (fake_common.h has the format) — besides journal, connect, disconnect <reason>, sleep,
// wait_login [ms] and wait_file <path> [ms] as on the market-data front:
//   user <id> <password>                 the investor (default: any user, any password)
//   cash <amount>                        starting balance (default 1,000,000)
//   instrument <code> <exchange> <multiplier> <tick> <margin_ratio> <price>   a tradable contract
//   position <code> <long|short> <yd_lots> <price>  yesterday's position (opened at price)
//   commission <per_lot>                 per lot, open and close (default 0)
//   auth_error <code> <message>          the next authentication fails so (8 前置不活跃 after a break)
//   login_error <code> <message>         the next login fails so
//   fill auto|manual                     auto (default): a limit order fills at once at its price
//   fill_order <n> <price> [lots]        fill the n-th order inserted (1-based), lots default all left
//   wait_orders <n> [ms]                 wait until n orders were inserted
//   query_interval <ms>                  a query sooner than this after the last one returns -3
#include <cmath>
#include <ctime>
#include <map>
#include <set>

#include "fake_common.h"

namespace {

using fake_ctp::Words;

const char kNotFound[] = "\xd5\xd2\xb2\xbb\xb5\xbd\xba\xcf\xd4\xbc";                          // 找不到合约
const char kNotLoggedIn[] = "\xbb\xb9\xc3\xbb\xd3\xd0\xb5\xc7\xc2\xbc";                       // 还没有登录
const char kBadLogin[] = "\xb2\xbb\xba\xcf\xb7\xa8\xb5\xc4\xb5\xc7\xc2\xbc";                  // 不合法的登录
const char kLocked[] = "\xc1\xac\xd0\xf8\xb5\xc7\xc2\xbc\xca\xa7\xb0\xdc\xb4\xce\xca\xfd\xb3\xac\xcf\xde";  // 连续登录失败次数超限
const char kNotConfirmed[] = "\xbd\xe1\xcb\xe3\xbd\xe1\xb9\xfb\xce\xb4\xc8\xb7\xc8\xcf";      // 结算结果未确认
const char kNoFunds[] = "\xd7\xca\xbd\xf0\xb2\xbb\xd7\xe3";                                    // 资金不足
const char kNoToday[] = "\xc6\xbd\xbd\xf1\xb2\xd6\xce\xbb\xb2\xbb\xd7\xe3";                    // 平今仓位不足
const char kNoYesterday[] = "\xc6\xbd\xd7\xf2\xb2\xd6\xce\xbb\xb2\xbb\xd7\xe3";                // 平昨仓位不足
const char kBadField[] = "\xd7\xd6\xb6\xce\xb4\xed\xce\xf3";                                   // 字段错误
const char kNoOrder[] = "\xb3\xb7\xb5\xa5\xd5\xd2\xb2\xbb\xb5\xbd\xcf\xe0\xd3\xa6\xb1\xa8\xb5\xa5";  // 撤单找不到相应报单
const char kCannotCancel[] = "\xb1\xa8\xb5\xa5\xd2\xd1\xc8\xab\xb3\xc9\xbd\xbb\xbb\xf2\xd2\xd1\xb3\xb7\xb5\xa5\xa3\xac\xb2\xbb\xc4\xdc\xd4\xd9\xb3\xb7";  // 报单已全成交或已撤单，不能再撤
const char kAccepted[] = "\xce\xb4\xb3\xc9\xbd\xbb";                                            // 未成交
const char kAllTraded[] = "\xc8\xab\xb2\xbf\xb3\xc9\xbd\xbb";                                  // 全部成交
const char kCanceled[] = "\xd2\xd1\xb3\xb7\xb5\xa5";                                            // 已撤单

template <size_t N>
void Put(char (&field)[N], const std::string& value) {
  std::memset(field, 0, N);
  std::memcpy(field, value.data(), std::min(value.size(), N - 1));
}

std::string Text(const char* field, size_t n) { return std::string(field, strnlen(field, n)); }

struct Contract {
  std::string exchange;
  double multiplier = 10, tick = 1, margin = 0.1, price = 0;
};

struct Side {
  int today = 0, yd = 0;
  double cost = 0;  // open cost of what is held (price × lots × multiplier)
};

struct Order {
  CThostFtdcOrderField field;
  std::vector<CThostFtdcTradeField> trades;
};

class FakeTraderApi final : public qautlra_ctp::TraderApiBase {
 public:
  FakeTraderApi() : trading_day_(fake_ctp::BeijingDay()) {}

  void Release() override {
    worker_.Stop();
    delete this;
  }
  void Init() override {
    if (started_) return;
    started_ = true;
    worker_.Start([this] { return Step(); });
  }
  const char* GetTradingDay() override { return trading_day_.c_str(); }
  void RegisterFront(char* address) override {
    if (address) script_.Load(address);
  }
  void RegisterSpi(CThostFtdcTraderSpi* spi) override { spi_ = spi; }
  void SubscribePrivateTopic(THOST_TE_RESUME_TYPE type) override { private_resume_ = type; }
  void SubscribePublicTopic(THOST_TE_RESUME_TYPE) override {}

  int ReqAuthenticate(CThostFtdcReqAuthenticateField* request, int id) override {
    if (!request) return -1;
    CThostFtdcReqAuthenticateField copy = *request;
    journal_.Write("ReqAuthenticate app=" + Text(copy.AppID, sizeof copy.AppID));
    return Answer([this, copy, id] {
      CThostFtdcRspAuthenticateField rsp{};
      std::memcpy(rsp.BrokerID, copy.BrokerID, sizeof rsp.BrokerID);
      std::memcpy(rsp.UserID, copy.UserID, sizeof rsp.UserID);
      std::memcpy(rsp.AppID, copy.AppID, sizeof rsp.AppID);
      CThostFtdcRspInfoField info = fake_ctp::RspInfo(0, "");
      if (auth_error_) {
        info = fake_ctp::RspInfo(auth_error_, auth_message_);
        auth_error_ = 0;
      } else {
        authenticated_ = true;
      }
      spi_->OnRspAuthenticate(&rsp, &info, id, true);
    });
  }

  int ReqUserLogin(CThostFtdcReqUserLoginField* request, int id) override {
    if (!request) return -1;
    CThostFtdcReqUserLoginField copy = *request;
    journal_.Write("ReqUserLogin broker=" + Text(copy.BrokerID, sizeof copy.BrokerID) +
                   " user=" + Text(copy.UserID, sizeof copy.UserID));
    return Answer([this, copy, id] {
      CThostFtdcRspUserLoginField rsp{};
      Put(rsp.TradingDay, trading_day_);
      std::memcpy(rsp.BrokerID, copy.BrokerID, sizeof rsp.BrokerID);
      std::memcpy(rsp.UserID, copy.UserID, sizeof rsp.UserID);
      CThostFtdcRspInfoField info = fake_ctp::RspInfo(0, "");
      const std::string user = Text(copy.UserID, sizeof copy.UserID);
      const std::string password = Text(copy.Password, sizeof copy.Password);
      if (login_error_) {
        info = fake_ctp::RspInfo(login_error_, login_message_);
        login_error_ = 0;
      } else if (failed_logins_ >= 3) {
        info = fake_ctp::RspInfo(75, kLocked);
      } else if (!user_.empty() && (user != user_ || password != password_)) {
        failed_logins_++;
        info = fake_ctp::RspInfo(3, kBadLogin);
      } else {
        failed_logins_ = 0;
        logged_in_ = true;
        session_id_++;
        investor_ = user;
        broker_ = Text(copy.BrokerID, sizeof copy.BrokerID);
        rsp.FrontID = 1;
        rsp.SessionID = session_id_;
        Put(rsp.MaxOrderRef, std::to_string(max_order_ref_));
      }
      spi_->OnRspUserLogin(&rsp, &info, id, true);
      // The private flow after a reconnect: RESTART and RESUME replay what this session's day sent.
      if (logged_in_ && session_id_ > 1 && private_resume_ != THOST_TERT_QUICK && private_resume_ != THOST_TERT_NONE) {
        for (auto& o : orders_) {
          spi_->OnRtnOrder(&o.field);
          for (auto& t : o.trades) spi_->OnRtnTrade(&t);
        }
      }
    });
  }

  int ReqSettlementInfoConfirm(CThostFtdcSettlementInfoConfirmField* request, int id) override {
    if (!request) return -1;
    CThostFtdcSettlementInfoConfirmField copy = *request;
    journal_.Write("ReqSettlementInfoConfirm");
    return Answer([this, copy, id]() mutable {
      CThostFtdcRspInfoField info = fake_ctp::RspInfo(0, "");
      if (!logged_in_) info = fake_ctp::RspInfo(6, kNotLoggedIn);
      else confirmed_ = true;
      Put(copy.ConfirmDate, trading_day_);
      Put(copy.ConfirmTime, "08:30:00");
      spi_->OnRspSettlementInfoConfirm(&copy, &info, id, true);
    });
  }

  int ReqOrderInsert(CThostFtdcInputOrderField* request, int id) override {
    if (!request) return -1;
    CThostFtdcInputOrderField copy = *request;
    journal_.Write("ReqOrderInsert ref=" + Text(copy.OrderRef, sizeof copy.OrderRef) + " " +
                   Text(copy.InstrumentID, sizeof copy.InstrumentID) + " " + copy.Direction + copy.CombOffsetFlag[0] +
                   " " + std::to_string(copy.VolumeTotalOriginal) + "@" + Number(copy.LimitPrice));
    return Answer([this, copy, id]() mutable { Insert(copy, id); });
  }

  int ReqOrderAction(CThostFtdcInputOrderActionField* request, int id) override {
    if (!request) return -1;
    CThostFtdcInputOrderActionField copy = *request;
    journal_.Write("ReqOrderAction ref=" + Text(copy.OrderRef, sizeof copy.OrderRef) +
                   " sys=" + Text(copy.OrderSysID, sizeof copy.OrderSysID));
    return Answer([this, copy, id]() mutable { Cancel(copy, id); });
  }

  int ReqQryTradingAccount(CThostFtdcQryTradingAccountField*, int id) override {
    return Query("ReqQryTradingAccount", [this, id] {
      CThostFtdcTradingAccountField a = Account();
      spi_->OnRspQryTradingAccount(&a, nullptr, id, true);
    });
  }

  int ReqQryInvestorPosition(CThostFtdcQryInvestorPositionField*, int id) override {
    return Query("ReqQryInvestorPosition", [this, id] {
      std::vector<CThostFtdcInvestorPositionField> rows;
      for (auto& [key, side] : positions_) {
        if (side.today + side.yd == 0) continue;
        const Contract& c = contracts_[key.first];
        CThostFtdcInvestorPositionField p{};
        Put(p.InstrumentID, key.first);
        Put(p.BrokerID, broker_);
        Put(p.InvestorID, investor_);
        Put(p.ExchangeID, c.exchange);
        Put(p.TradingDay, trading_day_);
        p.PosiDirection = key.second ? '3' : '2';
        p.HedgeFlag = '1';
        p.PositionDate = '1';
        p.Position = side.today + side.yd;
        p.TodayPosition = side.today;
        p.YdPosition = side.yd;
        p.OpenCost = side.cost;
        p.PositionCost = side.cost;
        p.UseMargin = Margin(key.first, side);
        p.PositionProfit = Float(key.first, key.second, side);
        p.SettlementPrice = c.price;
        rows.push_back(p);
      }
      if (rows.empty()) spi_->OnRspQryInvestorPosition(nullptr, nullptr, id, true);
      for (size_t i = 0; i < rows.size(); i++) spi_->OnRspQryInvestorPosition(&rows[i], nullptr, id, i + 1 == rows.size());
    });
  }

  int ReqQryOrder(CThostFtdcQryOrderField*, int id) override {
    return Query("ReqQryOrder", [this, id] {
      if (orders_.empty()) spi_->OnRspQryOrder(nullptr, nullptr, id, true);
      for (size_t i = 0; i < orders_.size(); i++) spi_->OnRspQryOrder(&orders_[i].field, nullptr, id, i + 1 == orders_.size());
    });
  }

  int ReqQryTrade(CThostFtdcQryTradeField*, int id) override {
    return Query("ReqQryTrade", [this, id] {
      std::vector<CThostFtdcTradeField*> all;
      for (auto& o : orders_)
        for (auto& t : o.trades) all.push_back(&t);
      if (all.empty()) spi_->OnRspQryTrade(nullptr, nullptr, id, true);
      for (size_t i = 0; i < all.size(); i++) spi_->OnRspQryTrade(all[i], nullptr, id, i + 1 == all.size());
    });
  }

  int ReqQryInstrument(CThostFtdcQryInstrumentField*, int id) override {
    return Query("ReqQryInstrument", [this, id] {
      std::vector<CThostFtdcInstrumentField> rows;
      for (auto& [code, c] : contracts_) {
        CThostFtdcInstrumentField f{};
        Put(f.InstrumentID, code);
        Put(f.ExchangeID, c.exchange);
        Put(f.ExchangeInstID, code);
        f.ProductClass = '1';
        f.VolumeMultiple = static_cast<int>(c.multiplier);
        f.PriceTick = c.tick;
        f.LongMarginRatio = c.margin;
        f.ShortMarginRatio = c.margin;
        f.IsTrading = 1;
        f.MaxLimitOrderVolume = 500;
        f.MinLimitOrderVolume = 1;
        rows.push_back(f);
      }
      if (rows.empty()) spi_->OnRspQryInstrument(nullptr, nullptr, id, true);
      for (size_t i = 0; i < rows.size(); i++) spi_->OnRspQryInstrument(&rows[i], nullptr, id, i + 1 == rows.size());
    });
  }

 private:
  static std::string Number(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
  }

  // A request's answer comes later, from the front's thread.
  int Answer(std::function<void()> task) {
    if (!spi_) return -1;
    worker_.Post(std::move(task));
    return 0;
  }

  // Queries: one in flight, and not sooner than query_interval after the last (-2 / -3 otherwise).
  int Query(const std::string& name, std::function<void()> answer) {
    const auto now = std::chrono::steady_clock::now();
    {
      std::lock_guard<std::mutex> lock(query_mutex_);
      if (query_in_flight_) return -2;
      if (now - last_query_ < std::chrono::milliseconds(query_interval_ms_)) return -3;
      query_in_flight_ = true;
      last_query_ = now;
    }
    journal_.Write(name);
    return Answer([this, answer] {
      {
        std::lock_guard<std::mutex> lock(query_mutex_);
        query_in_flight_ = false;
      }
      if (!logged_in_) return;  // a query from before a break is not answered
      answer();
    });
  }

  double Margin(const std::string& code, const Side& side) {
    const Contract& c = contracts_[code];
    return (side.today + side.yd) * c.price * c.multiplier * c.margin;
  }

  double Float(const std::string& code, bool short_side, const Side& side) {
    const Contract& c = contracts_[code];
    const double value = (side.today + side.yd) * c.price * c.multiplier;
    return short_side ? side.cost - value : value - side.cost;
  }

  CThostFtdcTradingAccountField Account() {
    CThostFtdcTradingAccountField a{};
    Put(a.BrokerID, broker_);
    Put(a.AccountID, investor_);
    Put(a.TradingDay, trading_day_);
    Put(a.CurrencyID, "CNY");
    double margin = 0, floating = 0;
    for (auto& [key, side] : positions_) {
      margin += Margin(key.first, side);
      floating += Float(key.first, key.second, side);
    }
    double frozen = 0;
    for (auto& o : orders_) {
      const char s = o.field.OrderStatus;
      if (o.field.CombOffsetFlag[0] == '0' && (s == '3' || s == '1' || s == 'a')) {
        const Contract& c = contracts_[Text(o.field.InstrumentID, sizeof o.field.InstrumentID)];
        frozen += o.field.VolumeTotal * o.field.LimitPrice * c.multiplier * c.margin;
      }
    }
    a.PreBalance = cash_;
    a.CloseProfit = close_profit_;
    a.Commission = commission_paid_;
    a.PositionProfit = floating;
    a.CurrMargin = margin;
    a.FrozenMargin = frozen;
    a.Balance = cash_ + close_profit_ - commission_paid_ + floating;
    a.Available = a.Balance - margin - frozen;
    a.WithdrawQuota = std::max(0.0, a.Available);
    return a;
  }

  void Refuse(const CThostFtdcInputOrderField& request, int id, int code, const char* message) {
    CThostFtdcInputOrderField copy = request;
    CThostFtdcRspInfoField info = fake_ctp::RspInfo(code, message);
    spi_->OnRspOrderInsert(&copy, &info, id, true);
    spi_->OnErrRtnOrderInsert(&copy, &info);
  }

  void Insert(CThostFtdcInputOrderField& request, int id) {
    const std::string code = Text(request.InstrumentID, sizeof request.InstrumentID);
    if (!logged_in_) return Refuse(request, id, 6, kNotLoggedIn);
    if (!confirmed_) return Refuse(request, id, 42, kNotConfirmed);
    auto contract = contracts_.find(code);
    if (contract == contracts_.end()) return Refuse(request, id, 16, kNotFound);
    const char offset = request.CombOffsetFlag[0];
    const int lots = request.VolumeTotalOriginal;
    if (lots <= 0 || !(request.LimitPrice > 0) || !std::isfinite(request.LimitPrice) ||
        (request.Direction != '0' && request.Direction != '1') ||
        (offset != '0' && offset != '1' && offset != '3' && offset != '4'))
      return Refuse(request, id, 15, kBadField);
    const Contract& c = contract->second;
    if (offset == '0') {
      const double need = lots * request.LimitPrice * c.multiplier * c.margin;
      if (need > Account().Available) return Refuse(request, id, 31, kNoFunds);
    } else {
      // Closing a buy closes the short side and the other way round.
      Side& side = positions_[{code, request.Direction == '0'}];
      const int open_closes = PendingCloses(code, request.Direction, offset);
      const bool distinguishes = c.exchange == "SHFE" || c.exchange == "INE";
      if (offset == '3' && lots + open_closes > side.today) return Refuse(request, id, 50, kNoToday);
      if (distinguishes && (offset == '1' || offset == '4') && lots + open_closes > side.yd)
        return Refuse(request, id, 51, kNoYesterday);
      if (!distinguishes && lots + open_closes > side.today + side.yd) return Refuse(request, id, 51, kNoYesterday);
    }
    Order order;
    CThostFtdcOrderField& o = order.field;
    std::memset(&o, 0, sizeof o);
    std::memcpy(o.BrokerID, request.BrokerID, sizeof o.BrokerID);
    std::memcpy(o.InvestorID, request.InvestorID, sizeof o.InvestorID);
    std::memcpy(o.InstrumentID, request.InstrumentID, sizeof o.InstrumentID);
    std::memcpy(o.UserID, request.UserID, sizeof o.UserID);
    std::memcpy(o.CombOffsetFlag, request.CombOffsetFlag, sizeof o.CombOffsetFlag);
    std::memcpy(o.CombHedgeFlag, request.CombHedgeFlag, sizeof o.CombHedgeFlag);
    std::string ref = Text(request.OrderRef, sizeof request.OrderRef);
    if (ref.empty()) ref = std::to_string(max_order_ref_ + 1);
    max_order_ref_ = std::max(max_order_ref_, std::atol(ref.c_str()));
    Put(o.OrderRef, ref);
    o.OrderPriceType = request.OrderPriceType;
    o.Direction = request.Direction;
    o.LimitPrice = request.LimitPrice;
    o.VolumeTotalOriginal = lots;
    o.TimeCondition = request.TimeCondition;
    o.VolumeCondition = request.VolumeCondition;
    o.RequestID = id;
    Put(o.ExchangeID, c.exchange);
    Put(o.ExchangeInstID, code);
    Put(o.TradingDay, trading_day_);
    Put(o.InsertDate, trading_day_);
    Put(o.InsertTime, Now());
    o.FrontID = 1;
    o.SessionID = session_id_;
    o.OrderSubmitStatus = '0';
    o.OrderStatus = 'a';
    o.VolumeTotal = lots;
    o.BrokerOrderSeq = static_cast<int>(orders_.size()) + 1;
    orders_.push_back(order);
    const size_t index = orders_.size() - 1;
    spi_->OnRtnOrder(&orders_[index].field);
    // Accepted by the exchange: an OrderSysID, queueing.
    CThostFtdcOrderField& accepted = orders_[index].field;
    char sys[21];
    std::snprintf(sys, sizeof sys, "%12zu", index + 1);
    Put(accepted.OrderSysID, sys);
    accepted.OrderSubmitStatus = '3';
    accepted.OrderStatus = '3';
    Put(accepted.StatusMsg, kAccepted);
    spi_->OnRtnOrder(&accepted);
    worker_.Notify();
    if (auto_fill_) Fill(index, accepted.LimitPrice, lots);
  }

  int PendingCloses(const std::string& code, char direction, char offset) {
    int lots = 0;
    for (auto& o : orders_) {
      if (Text(o.field.InstrumentID, sizeof o.field.InstrumentID) != code || o.field.Direction != direction) continue;
      if (o.field.CombOffsetFlag[0] != offset) continue;
      if (o.field.OrderStatus == '3' || o.field.OrderStatus == '1' || o.field.OrderStatus == 'a') lots += o.field.VolumeTotal;
    }
    return lots;
  }

  static std::string Now() { return fake_ctp::Beijing("%H:%M:%S"); }

  void Fill(size_t index, double price, int lots) {
    if (index >= orders_.size()) return;
    CThostFtdcOrderField& o = orders_[index].field;
    if (o.OrderStatus != '3' && o.OrderStatus != '1') return;
    lots = std::min(lots, o.VolumeTotal);
    if (lots <= 0) return;
    const std::string code = Text(o.InstrumentID, sizeof o.InstrumentID);
    Contract& c = contracts_[code];
    c.price = price;
    const char offset = o.CombOffsetFlag[0];
    if (offset == '0') {
      Side& side = positions_[{code, o.Direction == '1'}];
      side.today += lots;
      side.cost += price * lots * c.multiplier;
    } else {
      Side& side = positions_[{code, o.Direction == '0'}];
      const int held = side.today + side.yd;
      const double average = held ? side.cost / held : 0;
      int from_today = offset == '3' ? lots : (offset == '4' ? 0 : std::max(0, lots - side.yd));
      if (c.exchange != "SHFE" && c.exchange != "INE" && offset == '1') from_today = std::max(0, lots - side.yd);
      side.today -= from_today;
      side.yd -= lots - from_today;
      side.cost -= average * lots;
      const double pnl = (price * c.multiplier - average) * lots;
      close_profit_ += o.Direction == '1' ? pnl : -pnl;
    }
    commission_paid_ += commission_per_lot_ * lots;
    o.VolumeTraded += lots;
    o.VolumeTotal -= lots;
    o.OrderStatus = o.VolumeTotal == 0 ? '0' : '1';
    Put(o.StatusMsg, o.VolumeTotal == 0 ? kAllTraded : kAccepted);
    CThostFtdcTradeField t{};
    std::memcpy(t.BrokerID, o.BrokerID, sizeof t.BrokerID);
    std::memcpy(t.InvestorID, o.InvestorID, sizeof t.InvestorID);
    std::memcpy(t.InstrumentID, o.InstrumentID, sizeof t.InstrumentID);
    std::memcpy(t.OrderRef, o.OrderRef, sizeof t.OrderRef);
    std::memcpy(t.UserID, o.UserID, sizeof t.UserID);
    std::memcpy(t.ExchangeID, o.ExchangeID, sizeof t.ExchangeID);
    std::memcpy(t.OrderSysID, o.OrderSysID, sizeof t.OrderSysID);
    char trade_id[21];
    std::snprintf(trade_id, sizeof trade_id, "%12d", ++trade_seq_);
    Put(t.TradeID, trade_id);
    t.Direction = o.Direction;
    t.OffsetFlag = offset;
    t.HedgeFlag = '1';
    t.Price = price;
    t.Volume = lots;
    Put(t.TradeDate, trading_day_);
    Put(t.TradeTime, Now());
    Put(t.TradingDay, trading_day_);
    t.BrokerOrderSeq = o.BrokerOrderSeq;
    orders_[index].trades.push_back(t);
    spi_->OnRtnTrade(&orders_[index].trades.back());
    spi_->OnRtnOrder(&o);
  }

  void Cancel(CThostFtdcInputOrderActionField& action, int id) {
    if (!logged_in_) {
      CThostFtdcRspInfoField info = fake_ctp::RspInfo(6, kNotLoggedIn);
      return spi_->OnRspOrderAction(&action, &info, id, true);
    }
    const std::string sys = Text(action.OrderSysID, sizeof action.OrderSysID);
    const std::string ref = Text(action.OrderRef, sizeof action.OrderRef);
    for (auto& order : orders_) {
      CThostFtdcOrderField& o = order.field;
      const bool by_sys = !sys.empty() && sys == Text(o.OrderSysID, sizeof o.OrderSysID);
      const bool by_ref = sys.empty() && ref == Text(o.OrderRef, sizeof o.OrderRef) &&
                          action.FrontID == o.FrontID && action.SessionID == o.SessionID;
      if (!by_sys && !by_ref) continue;
      if (o.OrderStatus != '3' && o.OrderStatus != '1') {
        CThostFtdcRspInfoField info = fake_ctp::RspInfo(26, kCannotCancel);
        return spi_->OnRspOrderAction(&action, &info, id, true);
      }
      o.OrderStatus = '5';
      o.OrderSubmitStatus = '1';
      Put(o.CancelTime, Now());
      Put(o.StatusMsg, kCanceled);
      spi_->OnRtnOrder(&o);
      return;
    }
    CThostFtdcRspInfoField info = fake_ctp::RspInfo(25, kNoOrder);
    spi_->OnRspOrderAction(&action, &info, id, true);
  }

  bool Step() {
    const std::vector<std::string> w = script_.Current();
    if (w.empty()) return false;
    const std::string& command = w[0];
    auto arg = [&](size_t i, const char* fallback) { return fake_ctp::Arg(w, i, fallback); };
    if (command == "wait_login") return script_.Wait(logged_in_.load(), std::atoi(arg(1, "10000").c_str()));
    if (command == "wait_file")
      return script_.Wait(std::ifstream(arg(1, "")).good(), std::atoi(arg(2, "10000").c_str()));
    if (command == "wait_orders")
      return script_.Wait(orders_.size() >= static_cast<size_t>(std::atol(arg(1, "1").c_str())),
                          std::atoi(arg(2, "10000").c_str()));
    script_.Next();
    if (command == "journal") {
      journal_.Open(arg(1, ""));
    } else if (command == "user") {
      user_ = arg(1, "");
      password_ = arg(2, "");
    } else if (command == "cash") {
      cash_ = std::atof(arg(1, "1000000").c_str());
    } else if (command == "instrument") {
      Contract c;
      c.exchange = arg(2, "SHFE");
      c.multiplier = std::atof(arg(3, "10").c_str());
      c.tick = std::atof(arg(4, "1").c_str());
      c.margin = std::atof(arg(5, "0.1").c_str());
      c.price = std::atof(arg(6, "0").c_str());
      contracts_[arg(1, "")] = c;
    } else if (command == "position") {
      const std::string code = arg(1, "");
      Side& side = positions_[{code, arg(2, "long") == "short"}];
      const int lots = std::atoi(arg(3, "0").c_str());
      side.yd += lots;
      side.cost += lots * std::atof(arg(4, "0").c_str()) * contracts_[code].multiplier;
    } else if (command == "commission") {
      commission_per_lot_ = std::atof(arg(1, "0").c_str());
    } else if (command == "auth_error") {
      auth_error_ = std::atoi(arg(1, "63").c_str());
      auth_message_ = fake_ctp::Unescape(arg(2, ""));
    } else if (command == "login_error") {
      login_error_ = std::atoi(arg(1, "3").c_str());
      login_message_ = fake_ctp::Unescape(arg(2, ""));
    } else if (command == "fill") {
      auto_fill_ = arg(1, "auto") == "auto";
    } else if (command == "fill_order") {
      const size_t n = static_cast<size_t>(std::atol(arg(1, "1").c_str()));
      if (n >= 1 && n <= orders_.size()) {
        Order& o = orders_[n - 1];
        Fill(n - 1, std::atof(arg(2, "0").c_str()), std::atoi(arg(3, std::to_string(o.field.VolumeTotal).c_str()).c_str()));
      }
    } else if (command == "query_interval") {
      query_interval_ms_ = std::atoi(arg(1, "0").c_str());
    } else if (command == "connect") {
      journal_.Write("Connected");
      if (spi_) spi_->OnFrontConnected();
    } else if (command == "disconnect") {
      logged_in_ = false;
      authenticated_ = false;
      confirmed_ = false;
      {
        std::lock_guard<std::mutex> lock(query_mutex_);
        query_in_flight_ = false;
      }
      journal_.Write("Disconnected");
      if (spi_) spi_->OnFrontDisconnected(std::atoi(arg(1, "4097").c_str()));
    } else if (command == "sleep") {
      worker_.Sleep(std::atoi(arg(1, "0").c_str()));
    }
    return true;
  }

  fake_ctp::Script script_;
  bool started_ = false;
  CThostFtdcTraderSpi* spi_ = nullptr;
  fake_ctp::Journal journal_;
  std::string trading_day_;
  std::string user_, password_, investor_, broker_;
  std::map<std::string, Contract> contracts_;
  std::map<std::pair<std::string, bool>, Side> positions_;  // (code, short?)
  std::vector<Order> orders_;
  double cash_ = 1000000, close_profit_ = 0, commission_paid_ = 0, commission_per_lot_ = 0;
  long max_order_ref_ = 0;
  int trade_seq_ = 0;
  int session_id_ = 0;
  int failed_logins_ = 0;
  int auth_error_ = 0, login_error_ = 0;
  std::string auth_message_, login_message_;
  bool auto_fill_ = true;
  std::atomic<bool> logged_in_{false};
  bool authenticated_ = false;
  bool confirmed_ = false;
  THOST_TE_RESUME_TYPE private_resume_ = THOST_TERT_RESTART;
  std::mutex query_mutex_;
  bool query_in_flight_ = false;
  std::chrono::steady_clock::time_point last_query_{};
  int query_interval_ms_ = 0;
  fake_ctp::Worker worker_;
};

}  // namespace

CThostFtdcTraderApi* CThostFtdcTraderApi::CreateFtdcTraderApi(const char*) { return new FakeTraderApi(); }

// QAUTLRA_FAKE_CTP_VERSION stands in for another vendor version (the tests of the version guard).
const char* CThostFtdcTraderApi::GetApiVersion() {
  const char* other = std::getenv("QAUTLRA_FAKE_CTP_VERSION");
  return other && *other ? other : "qautlra-fake-trader v6.3.15";
}
