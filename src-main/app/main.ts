// Placeholder until the Electron shell lands (window factory, security, IPC router).
import { app } from 'electron';

void app.whenReady();
