// Sends the SAML form on by itself; without JavaScript the visible "Weiter" button does it.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosubmit]");
  if (form) form.submit();
})();
