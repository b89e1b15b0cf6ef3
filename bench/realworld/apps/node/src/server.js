const express = require('express');
const morgan = require('morgan');
const cookieParser = require('cookie-parser');
const routes = require('./routes');

const app = express();
app.use(morgan('combined'));
app.use(cookieParser());
app.use('/', routes);

const port = Number(process.env.PORT || 3000);
app.listen(port, () => console.log(`listening on ${port}`));
