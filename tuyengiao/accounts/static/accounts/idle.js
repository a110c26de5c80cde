/*
 * Idle-session warning for signed-in users (tuyengiao/accounts).
 *
 * The server keeps the real timer (IdleSessionMiddleware); this script shows
 * the warning in time and lets the user stay signed in:
 * - the deadline comes from the server (#idle-banner data attributes; on admin
 *   pages the banner comes from the status endpoint named by this script tag);
 * - key, pointer, wheel and scroll activity restarts the local timer and, at
 *   most once per `ping-seconds` and only after real activity, tells the server;
 * - tabs share the deadline through localStorage, so activity in one resets all;
 * - "Bấm vào đây" extends the session on the server; at zero the page asks the
 *   server to end the session and reloads signed out.
 * Plain ES2017, no dependencies.
 */
(() => {
  "use strict";

  if (window.tuyengiaoIdleSession) {
    return;
  }
  window.tuyengiaoIdleSession = true;

  const STATE_KEY = "tuyengiao.idle.warnAt"; // epoch ms when the warning is due, shared by all tabs
  const ENDED_KEY = "tuyengiao.idle.ended"; // written when a tab has ended the session
  const ACTIVITY_EVENTS = ["keydown", "pointerdown", "mousemove", "wheel", "touchstart", "scroll"];
  const script = document.currentScript;

  function readShared() {
    try {
      return parseFloat(window.localStorage.getItem(STATE_KEY)) || 0;
    } catch (error) {
      return 0;
    }
  }

  function writeShared(key, value) {
    try {
      window.localStorage.setItem(key, String(value));
    } catch (error) {
      // Storage disabled: this tab still works on its own, and the server
      // refuses to end a session that another tab keeps active.
    }
  }

  function start(banner) {
    const data = banner.dataset;
    const timeoutMs = parseFloat(data.timeoutSeconds) * 1000;
    const countdownMs = parseFloat(data.countdownSeconds) * 1000;
    const pingMs = parseFloat(data.pingSeconds) * 1000;
    const countdown = document.getElementById("idle-countdown");
    const keepaliveLink = document.getElementById("idle-keepalive");

    const now = Date.now();
    let warnAt = now + parseFloat(data.secondsUntilWarning) * 1000;
    let lastPingAt = now; // loading this page was activity the server has seen
    let pingTimer = null;
    let ending = false;
    let returnFocus = null;

    function post(url) {
      return fetch(url, {
        method: "POST",
        credentials: "same-origin",
        mode: "same-origin",
        cache: "no-store",
        headers: { "X-CSRFToken": data.csrfToken, Accept: "application/json" },
      }).then((response) =>
        response
          .json()
          .catch(() => ({}))
          .then((body) => {
            // 403: the CSRF token changed, i.e. this page belongs to a session
            // that is over (the user has signed in again since).
            if (response.status === 403) {
              return { authenticated: false, stalePage: true };
            }
            return body;
          }),
      );
    }

    function reloadSignedOut() {
      ending = true;
      window.location.reload();
    }

    // Move the deadline later (never earlier) and tell the other tabs.
    function adopt(newWarnAt) {
      if (newWarnAt > warnAt) {
        warnAt = newWarnAt;
        writeShared(STATE_KEY, warnAt);
      }
      tick();
    }

    function adoptServer(body) {
      if (body.authenticated === false) {
        reloadSignedOut();
        return false;
      }
      if (typeof body.seconds_until_warning === "number") {
        adopt(Date.now() + body.seconds_until_warning * 1000);
      }
      return true;
    }

    function ping() {
      lastPingAt = Date.now();
      return post(data.keepaliveUrl).then(adoptServer);
    }

    function isShown() {
      return !banner.hidden;
    }

    function show() {
      if (isShown()) {
        return;
      }
      banner.hidden = false;
      returnFocus = document.activeElement;
      keepaliveLink.focus({ preventScroll: true });
    }

    function hide() {
      if (!isShown()) {
        return;
      }
      const hadFocus = banner.contains(document.activeElement);
      banner.hidden = true;
      countdown.textContent = String(Math.round(countdownMs / 1000));
      if (hadFocus && returnFocus && document.contains(returnFocus) && returnFocus.focus) {
        returnFocus.focus({ preventScroll: true });
      }
      returnFocus = null;
    }

    function end() {
      ending = true;
      countdown.textContent = "0";
      post(data.endUrl)
        .then((body) => {
          if (body.authenticated === false) {
            if (!body.stalePage) {
              writeShared(ENDED_KEY, Date.now()); // other tabs of this session reload too
            }
            reloadSignedOut();
            return;
          }
          // The server saw activity we did not (another tab): carry on.
          ending = false;
          adoptServer(body);
        })
        .catch(() => {
          // Offline: try again shortly; the server ends the session anyway.
          window.setTimeout(() => {
            ending = false;
            tick();
          }, 5000);
        });
    }

    function tick() {
      if (ending) {
        return;
      }
      const left = warnAt + countdownMs - Date.now();
      if (left > countdownMs) {
        hide();
        return;
      }
      if (left <= 0) {
        end();
        return;
      }
      const text = String(Math.ceil(left / 1000));
      if (countdown.textContent !== text) {
        countdown.textContent = text;
      }
      show();
    }

    function onActivity() {
      // While the warning shows, only "Bấm vào đây" keeps the session.
      if (ending || isShown()) {
        return;
      }
      const next = Date.now() + timeoutMs;
      if (next - warnAt < 1000) {
        return; // nothing new for a second: keeps mousemove cheap
      }
      adopt(next);
      if (pingTimer === null) {
        // Leading and trailing throttle: ping now if the last ping is old
        // enough, else once the interval is over (covering this activity).
        const wait = Math.max(0, lastPingAt + pingMs - Date.now());
        pingTimer = window.setTimeout(() => {
          pingTimer = null;
          ping().catch(() => {});
        }, wait);
      }
    }

    keepaliveLink.addEventListener("click", () => {
      keepaliveLink.setAttribute("aria-busy", "true");
      ping()
        .then((stillSignedIn) => {
          if (stillSignedIn) {
            hide();
          }
        })
        .catch(() => {})
        .then(() => {
          keepaliveLink.removeAttribute("aria-busy");
        });
    });

    ACTIVITY_EVENTS.forEach((name) => {
      window.addEventListener(name, onActivity, { capture: true, passive: true });
    });

    window.addEventListener("storage", (event) => {
      if (event.key === STATE_KEY && event.newValue) {
        const shared = parseFloat(event.newValue);
        // Ignore nonsense (a clock far ahead) so one bad value cannot keep a session alive.
        if (shared > warnAt && shared <= Date.now() + timeoutMs + 5000) {
          warnAt = shared;
          tick();
        }
      } else if (event.key === ENDED_KEY && event.newValue && !ending) {
        reloadSignedOut();
      }
    });

    document.addEventListener("visibilitychange", tick);

    const shared = readShared();
    if (shared > warnAt && shared <= now + timeoutMs + 5000) {
      warnAt = shared;
    }
    writeShared(STATE_KEY, warnAt);
    window.setInterval(tick, 250);
    tick();
  }

  function boot() {
    const banner = document.getElementById("idle-banner");
    if (banner) {
      start(banner);
      return;
    }
    const statusUrl = script && script.getAttribute("data-status-url");
    if (!statusUrl) {
      return;
    }
    // Admin pages: the hook cannot know who is signed in, so ask.
    fetch(statusUrl, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : null))
      .then((body) => {
        if (!body || !body.authenticated || !body.html || document.getElementById("idle-banner")) {
          return;
        }
        document.body.insertAdjacentHTML("afterbegin", body.html);
        start(document.getElementById("idle-banner"));
      })
      .catch(() => {});
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", boot);
  } else {
    boot();
  }
})();
