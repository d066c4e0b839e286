/**
 * The native menu as plain data (MenuItemConstructorOptions-compatible), built without electron
 * so tests can check accelerators. File commands are forwarded to the renderer as
 * `menu:command` events; the renderer owns the document logic (dirty checks, dialogs via IPC).
 */
export type MenuCommand = 'new' | 'open' | 'save' | 'saveAs' | 'guide' | 'shortcuts' | 'about';

export interface MenuItemSpec {
  label?: string;
  role?: string;
  type?: 'separator' | 'submenu' | 'normal';
  accelerator?: string;
  click?: () => void;
  submenu?: MenuItemSpec[];
}

export function menuTemplate(onCommand: (command: MenuCommand) => void, isMac: boolean): MenuItemSpec[] {
  const file: MenuItemSpec = {
    label: 'File',
    submenu: [
      { label: 'New Project', accelerator: 'CmdOrCtrl+N', click: () => onCommand('new') },
      { label: 'Open…', accelerator: 'CmdOrCtrl+O', click: () => onCommand('open') },
      { type: 'separator' },
      { label: 'Save', accelerator: 'CmdOrCtrl+S', click: () => onCommand('save') },
      { label: 'Save As…', accelerator: 'CmdOrCtrl+Shift+S', click: () => onCommand('saveAs') },
      { type: 'separator' },
      isMac ? { role: 'close' } : { role: 'quit' },
    ],
  };
  const template: MenuItemSpec[] = [
    file,
    { label: 'Edit', submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }] },
    { label: 'View', submenu: [{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }] },
    { label: 'Window', submenu: [{ role: 'minimize' }, { role: 'close' }] },
    // the renderer shows Help (HelpView): the menu only names the section
    {
      role: 'help',
      label: 'Help',
      submenu: [
        { label: 'GainLab Guide', click: () => onCommand('guide') },
        { label: 'Keyboard Shortcuts', click: () => onCommand('shortcuts') },
        { type: 'separator' },
        { label: 'About GainLab', click: () => onCommand('about') },
      ],
    },
  ];
  if (isMac) template.unshift({ label: 'GainLab', submenu: [{ role: 'about' }, { type: 'separator' }, { role: 'hide' }, { role: 'quit' }] });
  return template;
}
