// Vite bundles CSS imports into a stylesheet file (no inline <style>: CSP style-src 'self').
declare module '*.css';
