// Run before the page paints (a blocking script at the top of <body>): the design system shows
// JavaScript-only parts (menu toggle, details) when these classes are present.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " nhsuk-frontend-supported" : "");
