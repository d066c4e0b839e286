/**
 * The content size of an element, kept current by a ResizeObserver from mount to unmount. The
 * canvas plots redraw when it changes (watch the returned ref).
 */
import { onBeforeUnmount, onMounted, ref, type Ref } from 'vue';

export function useElementSize(element: Readonly<Ref<HTMLElement | null>>): Ref<{ width: number; height: number }> {
  const size = ref({ width: 0, height: 0 });
  let observer: ResizeObserver | null = null;
  onMounted(() => {
    const el = element.value;
    if (!el) return;
    observer = new ResizeObserver((entries) => {
      const box = entries[0].contentRect;
      size.value = { width: box.width, height: box.height };
    });
    observer.observe(el);
  });
  onBeforeUnmount(() => observer?.disconnect());
  return size;
}
