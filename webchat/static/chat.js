/* Connects the botframework-webchat control to this app's own Direct Line channel.
 * Every URL is relative to the page, so a reverse-proxy path prefix just works. */
(function () {
  'use strict';

  var locale = navigator.language || 'en-US';
  var korean = /^ko\b/i.test(locale);
  var TEXT = korean ? {
    title: 'HubSpot 연락처 도우미',
    noBundle: 'Web Chat 번들이 설치되어 있지 않아요. 서버에서 `make webchat-assets`' +
      ' (또는 `.venv/bin/python -m webchat.assets`)를 실행한 뒤 새로 고침해 주세요.',
    noToken: '채팅을 시작하지 못했어요(서버에 연결할 수 없어요). 잠시 후 새로 고침해 주세요.',
    reconnecting: '연결이 끊겼어요. 다시 연결하는 중이에요… 대화와 카드는 그대로 남아 있어요.',
    reconnected: '다시 연결됐어요.',
    tooMany: '잠시 동안 새 대화를 너무 많이 시작했어요. 1분쯤 뒤에 새로 고침해 주세요.',
    ended: '이 대화는 만료되어 더 이상 이어갈 수 없어요. 새 대화를 시작해 주세요.',
    notStarted: '채팅을 시작하지 못했어요(서버가 바쁘거나 연결할 수 없어요). 잠시 후 다시 시도해 주세요.',
    lost: '서버에 다시 연결하지 못했어요.',
    newChat: '새 대화 시작'
  } : {
    title: 'HubSpot Contact Assistant',
    noBundle: 'The Web Chat bundle is not installed on this server. Run `make webchat-assets`' +
      ' (or `.venv/bin/python -m webchat.assets`) there, then reload this page.',
    noToken: 'Could not start the chat (the server did not answer). Please reload in a moment.',
    reconnecting: 'Connection lost. Reconnecting… your conversation and its cards are kept.',
    reconnected: 'Reconnected.',
    tooMany: 'Too many new chats from here in a short while. Please reload in a minute.',
    ended: 'This chat has expired and cannot be continued. Start a new one.',
    notStarted: 'Could not start the chat (the server is busy or out of reach). Please try again in a few minutes.',
    lost: 'Could not reconnect to the server.',
    newChat: 'Start a new chat'
  };

  document.documentElement.lang = korean ? 'ko' : 'en';
  document.title = TEXT.title;
  document.getElementById('title').textContent = TEXT.title;

  function showNotice(message) {
    var box = document.getElementById('notice');
    box.textContent = '';
    // `backticks` become <code>, everything else stays text (never innerHTML).
    message.split('`').forEach(function (part, i) {
      var node = i % 2 ? document.createElement('code') : document.createTextNode(part);
      if (i % 2) { node.textContent = part; }
      box.appendChild(node);
    });
    box.hidden = false;
  }

  // The connection, as the user should see it. DirectLineJS reconnects by itself after its
  // socket drops (a restart, a network blip) but shows nothing meanwhile, so the page watches
  // the stream socket; when DirectLineJS gives up, or the conversation is gone (404), it says so
  // and offers a new chat instead of a send box that only fails.
  var connection = document.getElementById('connection');
  var everOnline = false;
  var hideTimer = null;
  function showConnection(state, why) {
    clearTimeout(hideTimer);
    connection.textContent = '';
    connection.dataset.state = state;
    if (state === 'online') {
      if (!everOnline) { everOnline = true; connection.hidden = true; return; }
      connection.textContent = TEXT.reconnected;
      hideTimer = setTimeout(function () { connection.hidden = true; }, 3000);
    } else if (state === 'reconnecting') {
      connection.textContent = TEXT.reconnecting;
    } else {
      connection.appendChild(document.createTextNode((why || TEXT.ended) + ' '));
      var again = document.createElement('button');
      again.type = 'button';
      again.textContent = TEXT.newChat;
      again.addEventListener('click', function () { window.location.reload(); });
      connection.appendChild(again);
    }
    connection.hidden = false;
  }

  var ended = false;
  var directLine = null;
  function conversationGone() {
    if (ended) { return; }
    ended = true;
    showConnection('ended', TEXT.ended);
    try { directLine.end(); } catch (e) { /* it has stopped already */ }
  }

  // DirectLineJS says nothing when the reconnect after a dropped socket hears 404 (the
  // conversation is gone): while the page shows "reconnecting" it asks the server itself.
  var probing = null;
  function probeWhileReconnecting() {
    clearTimeout(probing);
    probing = setTimeout(function () {
      if (ended || connection.dataset.state !== 'reconnecting' || !directLine) { return; }
      var id = directLine.conversationId;
      var url = new URL('v3/directline/conversations/' + encodeURIComponent(id) +
        '/activities?watermark=999999999', base);
      fetch(url.href, { headers: { Authorization: 'Bearer ' + directLine.token }, cache: 'no-store' })
        .then(function (response) {
          if (response.status === 404) { conversationGone(); } else { probeWhileReconnecting(); }
        }, probeWhileReconnecting);
    }, 20000);
  }

  var NativeWebSocket = window.WebSocket;
  // Web Chat hands DirectLineJS no WebSocket option, so the page's own WebSocket is wrapped;
  // only the Direct Line stream (`.../stream?t=`) is watched.
  function StreamSocket(url, protocols) {
    var ws = protocols === undefined ? new NativeWebSocket(url) : new NativeWebSocket(url, protocols);
    if (/\/v3\/directline\/conversations\/[^/]+\/stream\?/.test(String(url))) {
      ws.addEventListener('open', function () { if (!ended) { showConnection('online'); } });
      ws.addEventListener('close', function (event) {
        if (ended) { return; }
        if (event.code === 4404) { conversationGone(); return; }  // dropped to make room
        showConnection('reconnecting');
        probeWhileReconnecting();
      });
    }
    return ws;
  }
  StreamSocket.prototype = NativeWebSocket.prototype;
  ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'].forEach(function (name) {
    StreamSocket[name] = NativeWebSocket[name];
  });
  window.WebSocket = StreamSocket;

  if (!window.WebChat) {
    showNotice(TEXT.noBundle);
    return;
  }

  var base = new URL('.', document.baseURI);

  fetch(new URL('api/webchat/token', base).href, {
    method: 'POST',
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
    credentials: 'same-origin',
    cache: 'no-store'
  }).then(function (response) {
    if (response.status === 401) {
      // The session ended (expired, or signed out in another tab): sign in again, then back here.
      return response.json().then(function (body) {
        var signIn = body && body.error && body.error.signIn;
        if (signIn) { window.location.assign(new URL(signIn, base).href); }
        throw new Error('not signed in');
      });
    }
    if (response.status === 429) {
      var limited = new Error('too many tokens');
      limited.notice = TEXT.tooMany;
      throw limited;
    }
    if (!response.ok) { throw new Error('token endpoint answered ' + response.status); }
    return response.json();
  }).then(function (grant) {
    directLine = window.WebChat.createDirectLine({
      token: grant.token,
      domain: new URL('v3/directline', base).href,
      conversationStartProperties: { locale: locale }
    });
    // 3 ExpiredToken (a token this server no longer accepts: expired, or past its longest
    // life), 4 FailedToConnect (could not start, or gave up reconnecting), 5 Ended (the
    // conversation is gone, e.g. dropped after idling to make room): nothing more will come
    // through this chat.
    var online = false;
    directLine.connectionStatus$.subscribe(function (status) {
      if (status === 2) { online = true; }
      if (status >= 3 && !ended) {
        ended = true;
        showConnection('ended', status === 4 ? (online ? TEXT.lost : TEXT.notStarted) : TEXT.ended);
      }
    });
    window.WebChat.renderWebChat({
      directLine: directLine,
      locale: locale,
      styleOptions: {
        hideUploadButton: true,
        botAvatarInitials: 'CA',
        userAvatarInitials: korean ? '나' : 'You',
        bubbleMaxWidth: 600,
        sendBoxTextWrap: true
      }
    }, document.getElementById('webchat'));
    document.querySelector('#webchat').focus();
  }).catch(function (err) {
    if (window.console) { console.error(err); }
    showNotice(err && err.notice ? err.notice : TEXT.noToken);
  });
}());
