// Registers the service worker and keeps it current. Installed iOS apps
// resume frozen pages without checking for a new worker, so the page
// requests an update check whenever it comes back. When a new worker takes
// over, the page reloads to run the new app files.

export function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  const container = navigator.serviceWorker;
  // A first install also fires controllerchange; only a replaced worker
  // means the page runs old files.
  const hadController = container.controller !== null;
  let reloading = false;
  container.addEventListener('controllerchange', () => {
    if (!hadController || reloading) return;
    reloading = true;
    window.location.reload();
  });

  container.register('/service-worker.js', { scope: '/' }).then(
    (registration) => {
      const update = () => {
        registration.update().catch((err) => {
          console.info('service worker update check failed', err.message);
        });
      };
      document.addEventListener('visibilitychange', () => {
        if (document.visibilityState === 'visible') update();
      });
      window.addEventListener('focus', update);
      window.addEventListener('pageshow', update);
    },
    (err) => console.warn('service worker registration failed', err),
  );
}
