import { lazy, Suspense, useEffect, useLayoutEffect, useMemo, useState } from 'react';
import type { ClientConfig } from '../../src/client-config';
import { AccountSummary, AccountTables, type TicketPreset } from './components/AccountPanel';
import { Login } from './components/Login';
import { MarketWatch } from './components/MarketWatch';
import { Notices } from './components/Notices';
import { OrderTicket } from './components/OrderTicket';
import { StatusPill } from './components/StatusPill';
import { DICTIONARIES, LangContext, ThemeContext, type Lang } from './i18n';
import { DiffSession } from './lib/diff-session';
import { useObservable } from './lib/hooks';
import { MarketFeed } from './lib/market-feed';

export type { ClientConfig };

/** The charts (and their library) load after sign-in: the sign-in page stays small. */
const InstrumentView = lazy(() =>
  import('./components/InstrumentView').then((module) => ({ default: module.InstrumentView })),
);

/** The funds view loads when opened (the sign-in page stays small). */
const FundsView = lazy(() =>
  import('./components/FundsView').then((module) => ({ default: module.FundsView })),
);

/** The backtests view loads when opened. */
const BacktestsView = lazy(() =>
  import('./components/BacktestsView').then((module) => ({ default: module.BacktestsView })),
);

/** Factor research loads when opened. */
const FactorsView = lazy(() =>
  import('./components/FactorsView').then((module) => ({ default: module.FactorsView })),
);

/** Live strategies load when opened. */
const StrategiesView = lazy(() =>
  import('./components/StrategiesView').then((module) => ({ default: module.StrategiesView })),
);

/** The risk monitor loads when opened. */
const MonitorView = lazy(() =>
  import('./components/MonitorView').then((module) => ({ default: module.MonitorView })),
);

/** The page's views, by the URL's hash (`#funds`, `#backtests`, `#factors`, `#strategies`, `#monitor`), so a view can be linked and reloaded. */
type View = 'trade' | 'funds' | 'backtests' | 'factors' | 'strategies' | 'monitor';
const VIEWS: readonly View[] = ['trade', 'funds', 'backtests', 'factors', 'strategies', 'monitor'];
const viewOfHash = (): View => VIEWS.find((view) => `#${view}` === location.hash) ?? 'trade';

const stored = <T extends string>(key: string, fallback: T, allowed: readonly T[]): T => {
  const value = localStorage.getItem(key) as T | null;
  return value && allowed.includes(value) ? value : fallback;
};

function Workspace(props: { config: ClientConfig; feed: MarketFeed; session: DiffSession }) {
  const { feed, session, config } = props;
  useObservable(feed);
  const [selected, setSelected] = useState<string | undefined>(
    () => localStorage.getItem('qautlra.selected') ?? undefined,
  );
  const [clicked, setClicked] = useState<{ id: string; value: number; seq: number }>();
  const [preset, setPreset] = useState<TicketPreset>();
  const current =
    selected && (feed.watchlist.includes(selected) || feed.instrument(selected))
      ? selected
      : feed.watchlist[0];
  const select = (id: string) => {
    setSelected(id);
    localStorage.setItem('qautlra.selected', id);
  };
  return (
    <main className="workspace">
      <MarketWatch feed={feed} selected={current} onSelect={select} />
      <Suspense fallback={<section className="card view" />}>
        <InstrumentView
          feed={feed}
          id={current}
          tsdb={config.tsdb}
          onPrice={(value) =>
            current && setClicked((c) => ({ id: current, value, seq: (c?.seq ?? 0) + 1 }))
          }
        />
      </Suspense>
      <aside className="side">
        <OrderTicket
          feed={feed}
          session={session}
          id={current}
          price={clicked}
          preset={preset}
          onSelect={select}
        />
        <AccountSummary session={session} feed={feed} />
      </aside>
      <AccountTables
        session={session}
        feed={feed}
        onSelect={select}
        onClose={(order) => {
          select(order.id);
          setPreset((p) => ({ ...order, seq: (p?.seq ?? 0) + 1 }));
        }}
      />
    </main>
  );
}

export function App(props: { config: ClientConfig }) {
  const { config } = props;
  const feed = useMemo(
    () => new MarketFeed(config.market.rest, config.market.socket_path, config.market.namespace),
    [config],
  );
  const session = useMemo(
    () => new DiffSession(config.trade.websocket, config.trade.broker),
    [config],
  );
  const [lang, setLang] = useState<Lang>(() =>
    stored('qautlra.lang', navigator.language.startsWith('zh') ? 'zh' : 'en', ['zh', 'en']),
  );
  const [theme, setTheme] = useState<'dark' | 'light'>(() =>
    stored('qautlra.theme', 'dark', ['dark', 'light']),
  );
  const [view, setView] = useState<View>(viewOfHash);
  useObservable(session);
  useObservable(feed);

  useEffect(() => {
    const follow = () => setView(viewOfHash());
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);

  // A layout effect: it runs before the charts' effects, which read the theme's colours.
  useLayoutEffect(() => {
    document.documentElement.dataset.theme = theme;
    localStorage.setItem('qautlra.theme', theme);
  }, [theme]);
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    localStorage.setItem('qautlra.lang', lang);
  }, [lang]);
  useEffect(() => {
    feed.open();
    feed.loadInstruments().catch(() => undefined);
    return () => feed.close();
  }, [feed]);

  const t = (key: keyof (typeof DICTIONARIES)['en']) => DICTIONARIES[lang][key];
  const signedIn = session.state !== 'signed-out';
  return (
    <ThemeContext.Provider value={theme}>
      <LangContext.Provider value={{ lang, t }}>
        <header className="topbar">
          <div className="brand">
            <span className="logo">◆</span> QAUTLRA
          </div>
          <nav className="views tabs" data-testid="views">
            {VIEWS.map((v) => (
              <a
                key={v}
                href={v === 'trade' ? '#' : `#${v}`}
                className={view === v ? 'active' : ''}
              >
                {t(v)}
              </a>
            ))}
          </nav>
          <div className="statuses">
            <StatusPill
              label="market"
              state={feed.state}
              detail={feed.sources
                .map((s) => `${s.name}: ${s.state}${s.detail ? ` (${s.detail})` : ''}`)
                .join('\n')}
            />
            <StatusPill label="trade" state={session.state} />
          </div>
          <nav className="tools">
            <details className="menu">
              <summary>{t('apis')}</summary>
              <ul>
                {Object.entries(config.docs).map(([name, href]) => (
                  <li key={name}>
                    <a href={href} target="_blank" rel="noreferrer">
                      {name}
                    </a>
                  </li>
                ))}
              </ul>
            </details>
            <button onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')} aria-label="language">
              {lang === 'zh' ? 'EN' : '中文'}
            </button>
            <button
              onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}
              aria-label={t('theme')}
            >
              {theme === 'dark' ? '☀' : '☾'}
            </button>
            {signedIn && (
              <button onClick={() => session.logout()}>
                {t('signOut')} <span className="dim">{session.user}</span>
              </button>
            )}
          </nav>
        </header>
        {view === 'funds' ? (
          <Suspense fallback={<main className="funds" />}>
            <FundsView rest={config.fund.rest} />
          </Suspense>
        ) : view === 'backtests' ? (
          <Suspense fallback={<main className="backtests" />}>
            <BacktestsView rest={config.backtest.rest} />
          </Suspense>
        ) : view === 'factors' ? (
          <Suspense fallback={<main className="factors" />}>
            <FactorsView rest={config.backtest.rest} />
          </Suspense>
        ) : view === 'strategies' && signedIn && session.state !== 'connecting' ? (
          <Suspense fallback={<main className="strategies" />}>
            <StrategiesView
              rest={config.strategy.rest}
              tradeRest={config.trade.rest}
              backtestRest={config.backtest.rest}
              session={session}
            />
          </Suspense>
        ) : view === 'monitor' && signedIn && session.state !== 'connecting' ? (
          <Suspense fallback={<main className="monitor" />}>
            <MonitorView
              realtime={config.realtime}
              tradeRest={config.trade.rest}
              session={session}
            />
          </Suspense>
        ) : signedIn && session.state !== 'connecting' ? (
          <Workspace config={config} feed={feed} session={session} />
        ) : (
          <Login session={session} demo={config.demo} />
        )}
        <Notices session={session} />
      </LangContext.Provider>
    </ThemeContext.Provider>
  );
}
