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
    noToken: '채팅을 시작하지 못했어요(서버에 연결할 수 없어요). 잠시 후 새로 고침해 주세요.'
  } : {
    title: 'HubSpot Contact Assistant',
    noBundle: 'The Web Chat bundle is not installed on this server. Run `make webchat-assets`' +
      ' (or `.venv/bin/python -m webchat.assets`) there, then reload this page.',
    noToken: 'Could not start the chat (the server did not answer). Please reload in a moment.'
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
    if (!response.ok) { throw new Error('token endpoint answered ' + response.status); }
    return response.json();
  }).then(function (grant) {
    var directLine = window.WebChat.createDirectLine({
      token: grant.token,
      domain: new URL('v3/directline', base).href,
      conversationStartProperties: { locale: locale }
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
    showNotice(TEXT.noToken);
  });
}());
